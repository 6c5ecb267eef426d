import { Button, CloseButton, Group, Input, Modal, ScrollArea, Stack, Text } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation } from '../api.ts';
import { OrgTree } from './OrgTree.tsx';

export interface OrgChoice {
  id: string;
  name: string;
}

interface Props {
  label: string;
  value: OrgChoice | null;
  onChange: (value: OrgChoice | null) => void;
  description?: string;
  error?: string | null | undefined;
  required?: boolean;
  clearable?: boolean;
  disabledIds?: readonly string[];
  /** Accept only units for which this returns true (e.g. only cells). */
  accept?: (org: Organisation) => boolean;
}

/** A form field that picks a party organisation from the tree in a dialog. */
export function OrgPicker({ label, value, onChange, description, error, required = false, clearable = true, disabledIds, accept }: Props) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [pending, setPending] = useState<Organisation | null>(null);
  const id = useId();
  const acceptable = pending !== null && (!accept || accept(pending));

  const confirm = (org: Organisation | null) => {
    if (!org || (accept && !accept(org))) return;
    onChange({ id: org.id, name: org.name });
    setOpened(false);
  };

  return (
    <>
      <Input.Wrapper label={label} labelElement="div" id={id} description={description} error={error} required={required}>
        <Group gap={4} wrap="nowrap">
          <Button
            variant="default"
            justify="space-between"
            fullWidth
            aria-label={`${label}: ${value ? value.name : t('orgPicker.none')}`}
            aria-describedby={error ? `${id}-error` : undefined}
            onClick={() => {
              setPending(null);
              setOpened(true);
            }}
            styles={{ label: { fontWeight: 400 } }}
          >
            <Text span size="sm" truncate c={value ? undefined : 'dimmed'}>
              {value ? value.name : t('orgPicker.choose')}
            </Text>
          </Button>
          {clearable && value && <CloseButton aria-label={t('orgPicker.clear', { label })} onClick={() => onChange(null)} />}
        </Group>
      </Input.Wrapper>
      <Modal opened={opened} onClose={() => setOpened(false)} title={label} size="lg">
        <Stack>
          <Text size="sm" c="dimmed">
            {t('orgPicker.help')}
          </Text>
          <ScrollArea.Autosize mah="55vh" type="auto">
            <OrgTree
              label={label}
              selectedId={pending?.id ?? value?.id ?? null}
              onSelect={setPending}
              onActivate={confirm}
              {...(disabledIds ? { disabledIds } : {})}
            />
          </ScrollArea.Autosize>
          {pending && accept && !accept(pending) && (
            <Text size="sm" c="red.8" role="status">
              {t('orgPicker.notAccepted')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              {t('common.cancel')}
            </Button>
            <Button disabled={!acceptable} onClick={() => confirm(pending)}>
              {pending ? t('orgPicker.confirmNamed', { name: pending.name }) : t('orgPicker.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
