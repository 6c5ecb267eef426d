import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';

export const ACCEPTED_EXTENSIONS = ['.xlsx', '.csv'];
const ACCEPT = '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';

export function isAcceptedFile(file: File): boolean {
  const name = file.name.toLowerCase();
  return ACCEPTED_EXTENSIONS.some((extension) => name.endsWith(extension));
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface Props {
  file: File | null;
  onFile: (file: File | null) => void;
  error?: string | null;
}

/** Drop a file here or choose it with the button; the file input itself is labelled for tests and screen readers. */
export function FileChooser({ file, onFile, error }: Props) {
  const { t } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const id = useId();

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) onFile(dropped);
  };

  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        borderColor: error ? 'var(--mantine-color-red-6)' : over ? 'var(--mantine-color-blue-6)' : undefined,
        background: over ? 'var(--mantine-color-blue-0)' : undefined,
      }}
    >
      <Stack align="center" gap="xs">
        <input
          ref={inputRef}
          id={id}
          type="file"
          accept={ACCEPT}
          aria-label={t('import.fileInput')}
          tabIndex={-1}
          style={{ position: 'absolute', width: 1, height: 1, opacity: 0, overflow: 'hidden', pointerEvents: 'none' }}
          onChange={(event) => {
            onFile(event.currentTarget.files?.[0] ?? null);
            event.currentTarget.value = '';
          }}
        />
        <Text fw={500}>{t('import.dropHere')}</Text>
        <Text size="sm" c="dimmed">
          {t('import.fileTypes')}
        </Text>
        <Group>
          <Button variant="light" onClick={() => inputRef.current?.click()}>
            {file ? t('import.chooseOther') : t('import.chooseFile')}
          </Button>
        </Group>
        {file && (
          <Text size="sm" role="status" data-testid="chosen-file">
            {t('import.chosen', { name: file.name, size: formatSize(file.size) })}
          </Text>
        )}
        {error && (
          <Text size="sm" c="red.8" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
