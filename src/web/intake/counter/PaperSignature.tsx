import { Alert, Button, Checkbox, FileButton, Group, Paper, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../common/errors.ts';
import { counterApi, type CounterMember } from './api.ts';

interface Props {
  member: CounterMember;
  /** The data as the member confirms it (corrections applied). */
  data: Record<string, string | null>;
  photo: Blob | null;
  signed: { at: string; scan: Blob | null } | null;
  onChange: (signed: { at: string; scan: Blob | null } | null) => void;
}

const base64 = async (blob: Blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};

/** The other way to sign: the printed confirmation slip, signed on paper, then marked signed, its scan attached if any. */
export function PaperSignature({ member, data, photo, signed, onChange }: Props) {
  const { t } = useTranslation();
  const [printing, setPrinting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function print() {
    setPrinting(true);
    setError(null);
    try {
      const pdf = await counterApi.slip({ memberId: member.id, data: { hometown: data.hometown ?? null, permanentAddress: data.permanentAddress ?? null }, ...(photo ? { photo: await base64(photo) } : {}) });
      window.open(URL.createObjectURL(pdf), '_blank', 'noopener');
    } catch (cause) {
      setError(errorMessage(t, cause));
    } finally {
      setPrinting(false);
    }
  }

  return (
    <Paper withBorder p="xs">
      <Text size="sm" fw={500}>
        {t('counter.paper.label')}
      </Text>
      <Group gap="xs" mt={4}>
        <Button size="xs" variant="default" onClick={() => void print()} loading={printing} disabled={!navigator.onLine}>
          {t('counter.paper.print')}
        </Button>
        <Checkbox label={t('counter.paper.signed')} checked={signed !== null} onChange={(e) => onChange(e.currentTarget.checked ? { at: new Date().toISOString(), scan: null } : null)} />
        {signed && (
          <FileButton accept="image/jpeg,image/png" onChange={(file) => file && onChange({ ...signed, scan: file })}>
            {(props) => (
              <Button size="xs" variant="subtle" {...props}>
                {signed.scan ? t('counter.paper.scanAttached') : t('counter.paper.attachScan')}
              </Button>
            )}
          </FileButton>
        )}
      </Group>
      {!navigator.onLine && (
        <Text size="xs" c="dimmed">
          {t('counter.paper.offline')}
        </Text>
      )}
      {error && (
        <Alert color="red" mt={4}>
          {error}
        </Alert>
      )}
    </Paper>
  );
}
