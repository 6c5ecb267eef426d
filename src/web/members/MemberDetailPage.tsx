import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, MEMBER_STATUSES, type MemberDetail } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldMessages, focusFirstError } from '../common/errors.ts';
import { formatDateTime } from '../format.ts';
import { ResultPanel } from '../reconciliation/ResultPanel.tsx';
import { useCurrentUser } from '../session/session.ts';
import { EligibleBadge, StatusBadge } from './MemberTable.tsx';
import { buildPatch, FORM_FIELDS, formFieldOf, toFormValues, validateMemberForm, type MemberFormValues } from './memberForm.ts';
import { lastMembersSearch, memberKeys, useMember } from './queries.ts';
import { usePageTitle } from '../common/usePageTitle.ts';

export default function MemberDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const member = useMember(id);

  if (member.isPending) return <Loader aria-label={t('common.loading')} />;
  if (member.isError) {
    return (
      <Stack>
        <BackLink />
        <ErrorAlert error={member.error} onRetry={() => void member.refetch()} />
      </Stack>
    );
  }
  return <MemberEditor key={member.data.id} member={member.data} onReload={() => member.refetch()} />;
}

function BackLink() {
  const { t } = useTranslation();
  // back to the list as it was left: search, filters, page
  return (
    <Anchor component={Link} href={`/members${lastMembersSearch()}`} size="sm">
      ← {t('member.back')}
    </Anchor>
  );
}

type Notice = { kind: 'saved' } | { kind: 'unchanged' } | { kind: 'stale'; message: string } | null;

function MemberEditor({ member, onReload }: { member: MemberDetail; onReload: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const readOnly = user.role === 'inspector';
  const [current, setCurrent] = useState(member);
  const [notice, setNotice] = useState<Notice>(null);

  const form = useForm<MemberFormValues>({
    mode: 'controlled',
    initialValues: toFormValues(member),
    validate: (values) => {
      const keys = validateMemberForm(values);
      return Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, t(key)]));
    },
  });

  usePageTitle(member.fullName);

  const save = useMutation({
    mutationFn: (patch: NonNullable<ReturnType<typeof buildPatch>>) => api.updateMember(current.id, patch),
    onSuccess: (updated) => {
      queryClient.setQueryData(memberKeys.detail(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: ['members', 'list'] });
      setCurrent(updated);
      const values = toFormValues(updated);
      form.setInitialValues(values);
      form.setValues(values);
      form.resetDirty(values);
      setNotice({ kind: 'saved' });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        setNotice({ kind: 'stale', message: error.message });
        return;
      }
      const fieldErrors = fieldMessages(error, formFieldOf);
      form.setErrors(fieldErrors);
      focusFirstError(FORM_FIELDS.filter((field) => field in fieldErrors));
    },
  });

  const submit = form.onSubmit(
    (values) => {
      setNotice(null);
      const patch = buildPatch(form.getInitialValues(), values, current.version);
      if (!patch) {
        setNotice({ kind: 'unchanged' });
        return;
      }
      save.mutate(patch);
    },
    (errors) => focusFirstError(FORM_FIELDS.filter((field) => field in errors)),
  );

  const reload = async () => {
    const result = (await onReload()) as { data?: MemberDetail };
    if (result.data) {
      setCurrent(result.data);
      const values = toFormValues(result.data);
      form.setInitialValues(values);
      form.setValues(values);
      form.resetDirty(values);
      form.clearErrors();
    }
    setNotice(null);
    save.reset();
  };

  const text = (field: keyof MemberFormValues, extra: { description?: string; placeholder?: string; inputMode?: 'numeric' | 'tel' } = {}) => (
    <TextInput label={t(`fields.${field}`)} readOnly={readOnly} {...extra} {...form.getInputProps(field)} />
  );
  const dateHint = t('member.dateHint');
  const showGenericError = save.error && !(save.error instanceof ApiError && save.error.status === 409);

  return (
    <Stack gap="md">
      <BackLink />
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {current.fullName}
          </Title>
          <Text c="dimmed" size="sm">
            {current.organisationName}
          </Text>
        </Stack>
        <Group gap="xs">
          <StatusBadge status={current.status} />
          <Group gap={4}>
            <Text size="sm">{t('members.eligible')}:</Text>
            <EligibleBadge eligible={current.eligible} />
          </Group>
        </Group>
      </Group>

      <Paper withBorder p="md" component="section" aria-labelledby="member-reconciliation">
        <Title order={2} size="h4" mb="sm" id="member-reconciliation">
          {t('member.reconciliationSection')}
        </Title>
        <ResultPanel
          memberId={current.id}
          onRecordChanged={() => {
            // "correct" rewrote fields from the register: show them, unless the officer is in the middle of an edit
            if (!form.isDirty()) void reload();
          }}
        />
      </Paper>

      <form onSubmit={submit} noValidate aria-label={t('member.formLabel')}>
        <Stack gap="md">
          {notice?.kind === 'saved' && (
            <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setNotice(null)}>
              {t('member.saved')}
            </Alert>
          )}
          {notice?.kind === 'unchanged' && (
            <Alert color="gray" variant="light" role="status">
              {t('member.unchanged')}
            </Alert>
          )}
          {notice?.kind === 'stale' && (
            <Alert color="orange" variant="light" role="alert" title={t('member.staleTitle')}>
              <Text size="sm">{notice.message || t('member.staleText')}</Text>
              <Text size="sm" mt={4}>
                {t('member.staleHelp')}
              </Text>
              <Button mt="sm" size="xs" color="orange" onClick={() => void reload()}>
                {t('member.reload')}
              </Button>
            </Alert>
          )}
          {showGenericError && <ErrorAlert error={save.error} knownFields={[...FORM_FIELDS, 'birthYear']} />}

          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('member.personalSection')}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="sm">
              {text('fullName')}
              {text('personalId', { inputMode: 'numeric', description: t('member.personalIdHint') })}
              {text('dateOfBirth', { placeholder: 'dd/mm/yyyy', description: t('member.birthHint') })}
              <Select
                label={t('fields.gender')}
                data={[
                  { value: '', label: t('common.notSet') },
                  { value: 'male', label: t('gender.male') },
                  { value: 'female', label: t('gender.female') },
                ]}
                allowDeselect={false}
                readOnly={readOnly}
                {...form.getInputProps('gender')}
              />
              {text('ethnicity')}
              {text('phone', { inputMode: 'tel' })}
              {text('hometown')}
              {text('permanentAddress')}
              {text('temporaryAddress')}
            </SimpleGrid>
          </Paper>

          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('member.partySection')}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="sm">
              {text('admittedOn', { placeholder: 'dd/mm/yyyy', description: dateHint })}
              {text('officialOn', { placeholder: 'dd/mm/yyyy', description: dateHint })}
              {text('partyCardNumber', { placeholder: '12.345678', inputMode: 'numeric', description: t('member.cardHint') })}
              {text('recordNumber')}
              <Select
                label={t('fields.status')}
                data={MEMBER_STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
                allowDeselect={false}
                readOnly={readOnly}
                {...form.getInputProps('status')}
              />
              <Checkbox
                mt="xl"
                label={t('fields.needsHomeVisit')}
                disabled={readOnly}
                {...form.getInputProps('needsHomeVisit', { type: 'checkbox' })}
              />
            </SimpleGrid>
          </Paper>

          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('member.updatedAt', { at: formatDateTime(current.updatedAt) })}
            </Text>
            {!readOnly && (
              <Group>
                <Button variant="default" disabled={!form.isDirty() || save.isPending} onClick={() => form.reset()}>
                  {t('member.undo')}
                </Button>
                <Button type="submit" loading={save.isPending}>
                  {t('member.save')}
                </Button>
              </Group>
            )}
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
