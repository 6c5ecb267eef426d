import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ORG_KINDS, type Organisation, type OrganisationDetail, type OrgKind } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldMessages } from '../common/errors.ts';
import { OrgPicker, type OrgChoice } from './OrgPicker.tsx';

export type OrgAction = 'create' | 'rename' | 'move' | 'merge' | 'close';

/** The kinds usually found under a unit of this kind; the server has the last word. */
export function childKinds(parent: OrgKind): OrgKind[] {
  switch (parent) {
    case 'central':
      return ['provincial_committee', 'central_committee'];
    case 'provincial_committee':
    case 'central_committee':
      return ['commune_committee', 'grassroots_committee', 'grassroots_cell'];
    case 'commune_committee':
      return ['cell', 'grassroots_committee', 'grassroots_cell'];
    case 'grassroots_committee':
      return ['cell'];
    default:
      return [];
  }
}

export interface OrgChange {
  /** The unit to show after the change (a new unit, the merge target), or undefined to keep the current one. */
  select?: string;
}

interface Props {
  action: OrgAction | null;
  org: OrganisationDetail;
  onClose: () => void;
  onDone: (change: OrgChange) => void;
}

/** Create a child unit, rename, move, merge or close: each in its own dialog. */
export function OrgActionModal({ action, org, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const titles: Record<OrgAction, string> = {
    create: t('orgs.actions.create'),
    rename: t('orgs.actions.rename'),
    move: t('orgs.actions.move'),
    merge: t('orgs.actions.merge'),
    close: t('orgs.actions.close'),
  };
  return (
    <Modal opened={action !== null} onClose={onClose} title={action ? titles[action] : ''} size="md">
      {action === 'create' && <CreateChild org={org} onDone={onDone} onCancel={onClose} />}
      {action === 'rename' && <Rename org={org} onDone={onDone} onCancel={onClose} />}
      {action === 'move' && <Move org={org} onDone={onDone} onCancel={onClose} />}
      {action === 'merge' && <Merge org={org} onDone={onDone} onCancel={onClose} />}
      {action === 'close' && <Close org={org} onDone={onDone} onCancel={onClose} />}
    </Modal>
  );
}

interface StepProps {
  org: OrganisationDetail;
  onDone: (change: OrgChange) => void;
  onCancel: () => void;
}

function Buttons({ onCancel, pending, submitLabel, color }: { onCancel: () => void; pending: boolean; submitLabel: string; color?: string }) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end" mt="md">
      <Button variant="default" onClick={onCancel}>
        {t('common.cancel')}
      </Button>
      <Button type="submit" loading={pending} {...(color ? { color } : {})}>
        {submitLabel}
      </Button>
    </Group>
  );
}

function fieldError(error: unknown, field: string): string | undefined {
  return fieldMessages(error)[field];
}

function CreateChild({ org, onDone, onCancel }: StepProps) {
  const { t } = useTranslation();
  const suggested = childKinds(org.kind);
  const kinds = suggested.length > 0 ? suggested : ORG_KINDS.filter((kind) => kind !== 'central');
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', kind: kinds[0] ?? 'cell' },
    validate: { name: (value) => (value.trim() === '' ? t('orgs.errors.nameRequired') : null) },
  });
  const create = useMutation({
    mutationFn: (values: { name: string; kind: OrgKind }) => api.createOrganisation({ parentId: org.id, name: values.name.trim(), kind: values.kind }),
    onSuccess: (created: Organisation) => onDone({ select: created.id }),
  });
  return (
    <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
      <Stack>
        <Text size="sm">{t('orgs.createUnder', { name: org.name })}</Text>
        {create.error ? <ErrorAlert error={create.error} knownFields={['name', 'kind']} /> : null}
        <TextInput
          label={t('orgs.fields.name')}
          data-autofocus
          withAsterisk
          {...form.getInputProps('name')}
          error={form.errors.name ?? fieldError(create.error, 'name')}
        />
        <Select
          label={t('orgs.fields.kind')}
          data={kinds.map((kind) => ({ value: kind, label: t(`orgKind.${kind}`) }))}
          allowDeselect={false}
          {...form.getInputProps('kind')}
          error={fieldError(create.error, 'kind')}
        />
      </Stack>
      <Buttons onCancel={onCancel} pending={create.isPending} submitLabel={t('orgs.actions.createSubmit')} />
    </form>
  );
}

function Rename({ org, onDone, onCancel }: StepProps) {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: org.name },
    validate: { name: (value) => (value.trim() === '' ? t('orgs.errors.nameRequired') : null) },
  });
  const rename = useMutation({
    mutationFn: (name: string) => api.updateOrganisation(org.id, { name }),
    onSuccess: () => onDone({}),
  });
  return (
    <form onSubmit={form.onSubmit((values) => rename.mutate(values.name.trim()))} noValidate>
      <Stack>
        {rename.error ? <ErrorAlert error={rename.error} knownFields={['name']} /> : null}
        <TextInput
          label={t('orgs.fields.newName')}
          data-autofocus
          withAsterisk
          {...form.getInputProps('name')}
          error={form.errors.name ?? fieldError(rename.error, 'name')}
        />
      </Stack>
      <Buttons onCancel={onCancel} pending={rename.isPending} submitLabel={t('common.save')} />
    </form>
  );
}

function Move({ org, onDone, onCancel }: StepProps) {
  const { t } = useTranslation();
  return (
    <PickTarget
      org={org}
      onCancel={onCancel}
      help={<Text size="sm">{t('orgs.moveHelp', { name: org.name })}</Text>}
      label={t('orgs.fields.newParent')}
      submitLabel={t('orgs.actions.moveSubmit')}
      run={(parentId) => api.updateOrganisation(org.id, { parentId })}
      onSuccess={() => onDone({})}
    />
  );
}

function Merge({ org, onDone, onCancel }: StepProps) {
  const { t } = useTranslation();
  return (
    <PickTarget
      org={org}
      onCancel={onCancel}
      help={
        <Alert color="orange" variant="light">
          {t('orgs.mergeHelp', { name: org.name })}
        </Alert>
      }
      label={t('orgs.fields.mergeInto')}
      submitLabel={t('orgs.actions.mergeSubmit')}
      color="orange"
      run={(intoId) => api.mergeOrganisation(org.id, intoId)}
      onSuccess={(intoId) => onDone({ select: intoId })}
    />
  );
}

/** A form that asks for another unit (the new parent, the unit to merge into) and runs one action with it. */
function PickTarget(props: {
  org: Organisation;
  onCancel: () => void;
  help: ReactNode;
  label: string;
  submitLabel: string;
  color?: string;
  run: (targetId: string) => Promise<unknown>;
  onSuccess: (targetId: string) => void;
}) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<OrgChoice | null>(null);
  const [missing, setMissing] = useState(false);
  const action = useMutation({ mutationFn: props.run, onSuccess: (_result, targetId) => props.onSuccess(targetId) });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!target) return setMissing(true);
        action.mutate(target.id);
      }}
    >
      <Stack>
        {props.help}
        {action.error ? <ErrorAlert error={action.error} /> : null}
        <OrgPicker
          label={props.label}
          value={target}
          onChange={(value) => {
            setTarget(value);
            setMissing(false);
          }}
          disabledIds={[props.org.id]}
          required
          error={missing ? t('orgs.errors.targetRequired') : undefined}
        />
      </Stack>
      <Buttons onCancel={props.onCancel} pending={action.isPending} submitLabel={props.submitLabel} color={props.color} />
    </form>
  );
}

function Close({ org, onDone, onCancel }: StepProps) {
  const { t } = useTranslation();
  const close = useMutation({
    mutationFn: () => api.closeOrganisation(org.id),
    onSuccess: () => onDone({}),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        close.mutate();
      }}
    >
      <Stack>
        <Text size="sm">{t('orgs.closeConfirm', { name: org.name })}</Text>
        {org.memberCount > 0 && (
          <Alert color="orange" variant="light">
            {t('orgs.closeHasMembers', { count: org.memberCount })}
          </Alert>
        )}
        {close.error ? <ErrorAlert error={close.error} /> : null}
      </Stack>
      <Buttons onCancel={onCancel} pending={close.isPending} submitLabel={t('orgs.actions.closeSubmit')} color="red" />
    </form>
  );
}
