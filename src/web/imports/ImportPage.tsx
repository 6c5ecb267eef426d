import {
  Alert,
  Button,
  Checkbox,
  Collapse,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, type ImportCommitResult, type ImportPreview } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatNumber } from '../format.ts';
import { OrgPicker, type OrgChoice } from '../organisations/OrgPicker.tsx';
import { useCurrentUser } from '../session/session.ts';
import { FileChooser, isAcceptedFile } from './FileChooser.tsx';
import {
  applyServerCheck,
  fixesPayload,
  initialReport,
  outstandingRows,
  rejectedFromIssues,
  reportColumns,
  setFix,
  setSkipped,
  type ReportState,
} from './importState.ts';
import { RejectedTable } from './RejectedTable.tsx';

type Step = 'choose' | 'report' | 'done';

interface Options {
  organisation: OrgChoice | null;
  cell: string;
  createOrgs: boolean;
}

function Steps({ step }: { step: Step }) {
  const { t } = useTranslation();
  const steps: { key: Step; label: string }[] = [
    { key: 'choose', label: t('import.steps.choose') },
    { key: 'report', label: t('import.steps.report') },
    { key: 'done', label: t('import.steps.done') },
  ];
  const current = steps.findIndex((item) => item.key === step);
  return (
    <Group component="ol" gap="lg" aria-label={t('import.steps.label')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {steps.map((item, index) => (
        <Group
          component="li"
          key={item.key}
          gap={6}
          aria-current={index === current ? 'step' : undefined}
          c={index === current ? 'blue.8' : index < current ? 'green.8' : 'dimmed'}
        >
          <Text span fw={700} size="sm">
            {index + 1}.
          </Text>
          <Text span size="sm" fw={index === current ? 700 : 400}>
            {item.label}
          </Text>
        </Group>
      ))}
    </Group>
  );
}

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" component="dt">
        {label}
      </Text>
      <Text size="xl" fw={700} component="dd" m={0} {...(color ? { c: color } : {})}>
        {formatNumber(value)}
      </Text>
    </Paper>
  );
}

/** Nhập danh sách đảng viên: choose a file, read the report and fix or skip rejected rows, then write. */
export default function ImportPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>('choose');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [options, setOptions] = useState<Options>({ organisation: null, cell: '', createOrgs: false });
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [report, setReport] = useState<ReportState | null>(null);
  const [result, setResult] = useState<ImportCommitResult | null>(null);
  const [refused, setRefused] = useState<ApiError | null>(null);
  const [showAccepted, setShowAccepted] = useState(false);
  const user = useCurrentUser();
  // the server takes the account's own unit when none is chosen; accounts without one must choose
  const needsOrganisation = !user.scope.organisationId;
  const [organisationMissing, setOrganisationMissing] = useState(false);

  const check = useMutation({
    mutationFn: (input: { file: File; options: Options }) =>
      api.previewImport(input.file, {
        ...(input.options.organisation ? { organisationId: input.options.organisation.id } : {}),
        ...(input.options.cell.trim() ? { cell: input.options.cell.trim() } : {}),
        createOrgs: input.options.createOrgs,
      }),
    onSuccess: (next) => {
      setPreview(next);
      setReport((previous) => initialReport(next, previous ?? undefined));
      setRefused(null);
      commit.reset();
      setStep('report');
    },
  });

  const commit = useMutation({
    mutationFn: (input: { preview: ImportPreview; report: ReportState }) =>
      api.commitImport({
        uploadId: input.preview.uploadId,
        fixes: fixesPayload(input.report),
        skipRows: [...input.report.skipped].sort((a, b) => a - b),
      }),
    onSuccess: (answer) => {
      if (answer.committed) {
        setResult(answer);
        setStep('done');
        void queryClient.invalidateQueries({ queryKey: ['members'] });
        void queryClient.invalidateQueries({ queryKey: ['organisations'] });
      } else {
        setReport((current) => (current ? applyServerCheck(current, answer.rejected) : current));
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'import.has_rejected') {
        setRefused(error);
        setReport((current) => (current ? applyServerCheck(current, rejectedFromIssues(error.issues)) : current));
      }
    },
  });

  const columns = useMemo(() => (preview && report ? reportColumns(preview.columns, report.rows) : []), [preview, report]);
  const outstanding = report ? outstandingRows(report) : [];

  const runCheck = () => {
    if (!file) {
      setFileError(t('import.errors.noFile'));
      return;
    }
    if (!isAcceptedFile(file)) {
      setFileError(t('import.errors.fileType'));
      return;
    }
    setFileError(null);
    if (needsOrganisation && !options.organisation) {
      setOrganisationMissing(true);
      return;
    }
    check.mutate({ file, options });
  };

  const restart = () => {
    setStep('choose');
    setFile(null);
    setPreview(null);
    setReport(null);
    setResult(null);
    setRefused(null);
    check.reset();
    commit.reset();
  };

  const fileProblem = check.error instanceof ApiError && (check.error.code.startsWith('file.') || check.error.status === 413);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('import.title')}
      </Title>
      <Steps step={step} />

      {step === 'choose' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            runCheck();
          }}
          aria-label={t('import.steps.choose')}
        >
          <Stack gap="md" maw={760}>
            <FileChooser
              file={file}
              onFile={(next) => {
                setFile(next);
                setFileError(next && !isAcceptedFile(next) ? t('import.errors.fileType') : null);
                check.reset();
                setReport(null);
              }}
              error={fileError ?? (fileProblem && check.error ? check.error.message : null)}
            />
            {check.error && !fileProblem ? <ErrorAlert error={check.error} /> : null}
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('import.options')}
              </Title>
              <Stack gap="sm">
                <OrgPicker
                  label={t('import.organisation')}
                  description={needsOrganisation ? t('import.organisationHelpRequired') : t('import.organisationHelp')}
                  value={options.organisation}
                  onChange={(organisation) => {
                    setOrganisationMissing(false);
                    setOptions((previous) => ({ ...previous, organisation }));
                  }}
                  required={needsOrganisation}
                  error={organisationMissing ? t('import.errors.noOrganisation') : undefined}
                />
                <TextInput
                  label={t('import.defaultCell')}
                  description={t('import.defaultCellHelp')}
                  value={options.cell}
                  onChange={(event) => {
                    const cell = event.currentTarget.value;
                    setOptions((previous) => ({ ...previous, cell }));
                  }}
                />
                <Checkbox
                  label={t('import.createOrgs')}
                  description={t('import.createOrgsHelp')}
                  checked={options.createOrgs}
                  onChange={(event) => {
                    const createOrgs = event.currentTarget.checked;
                    setOptions((previous) => ({ ...previous, createOrgs }));
                  }}
                />
              </Stack>
            </Paper>
            <Group>
              <Button type="submit" loading={check.isPending}>
                {t('import.check')}
              </Button>
              {check.isPending && (
                <Text size="sm" c="dimmed" role="status">
                  {t('import.checking')}
                </Text>
              )}
            </Group>
          </Stack>
        </form>
      )}

      {step === 'report' && preview && report && (
        <Stack gap="md">
          <Text size="sm">{t('import.fileName', { name: preview.fileName })}</Text>
          <SimpleGrid cols={{ base: 1, xs: 3 }} maw={720} component="dl" m={0} aria-label={t('import.totals')}>
            <Stat label={t('import.totalRows')} value={preview.rows} />
            <Stat label={t('import.acceptedRows')} value={preview.accepted} color="green.8" />
            <Stat label={t('import.rejectedRows')} value={report.rows.length} color={report.rows.length ? 'red.8' : undefined} />
          </SimpleGrid>

          {refused && (
            <Alert color="red" variant="light" role="alert" title={t('import.refusedTitle')}>
              {refused.message || t('import.refusedText')}
            </Alert>
          )}
          {commit.error && !(commit.error instanceof ApiError && commit.error.code === 'import.has_rejected') ? (
            <ErrorAlert error={commit.error} />
          ) : null}

          {report.rows.length > 0 ? (
            <Paper withBorder p="md">
              <Group justify="space-between" mb="xs" align="flex-end">
                <Stack gap={2}>
                  <Title order={2} size="h4">
                    {t('import.rejectedTitle')}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {t('import.rejectedHelp')}
                  </Text>
                </Stack>
                <Group gap="xs">
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => setReport(setSkipped(report, outstanding, true))}
                    disabled={outstanding.length === 0}
                  >
                    {t('import.skipAll')}
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => setReport(setSkipped(report, [...report.skipped], false))}
                    disabled={report.skipped.size === 0}
                  >
                    {t('import.unskipAll')}
                  </Button>
                </Group>
              </Group>
              <RejectedTable
                state={report}
                columns={columns}
                onFix={(row, field, value) => setReport((current) => (current ? setFix(current, row, field, value) : current))}
                onSkip={(rows, skip) => setReport((current) => (current ? setSkipped(current, rows, skip) : current))}
              />
            </Paper>
          ) : (
            <Alert color="green" variant="light" role="status">
              {t('import.allValid')}
            </Alert>
          )}

          {preview.records.some((record) => record.errors.length === 0) && (
            <Paper withBorder p="md">
              <Button variant="subtle" size="xs" onClick={() => setShowAccepted((open) => !open)} aria-expanded={showAccepted}>
                {showAccepted ? t('import.hideAccepted') : t('import.showAccepted')}
              </Button>
              <Collapse expanded={showAccepted}>
                <AcceptedPreview preview={preview} />
              </Collapse>
            </Paper>
          )}

          <Group justify="space-between" align="center">
            <Group>
              <Button variant="default" onClick={restart}>
                {t('import.back')}
              </Button>
              <Button variant="default" loading={check.isPending} onClick={() => file && check.mutate({ file, options })} disabled={!file}>
                {t('import.recheck')}
              </Button>
            </Group>
            <Group>
              <Text size="sm" c={outstanding.length > 0 ? 'red.8' : 'dimmed'} role="status" aria-live="polite">
                {outstanding.length > 0
                  ? t('import.outstanding', { count: outstanding.length })
                  : t('import.readyToCommit', { count: preview.rows - report.skipped.size })}
              </Text>
              <Button loading={commit.isPending} onClick={() => commit.mutate({ preview, report })}>
                {t('import.commit')}
              </Button>
            </Group>
          </Group>
          {check.error ? <ErrorAlert error={check.error} /> : null}
        </Stack>
      )}

      {step === 'done' && result && (
        <Stack gap="md" maw={720}>
          <Alert color="green" variant="light" role="status" title={t('import.doneTitle')}>
            <Text size="sm">{t('import.doneText', { accepted: formatNumber(result.accepted), rows: formatNumber(result.rows) })}</Text>
            {report && report.skipped.size > 0 && <Text size="sm">{t('import.doneSkipped', { count: report.skipped.size })}</Text>}
          </Alert>
          <Group>
            <Button onClick={restart}>{t('import.another')}</Button>
            <Button component={Link} href="/members" variant="default">
              {t('import.toMembers')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

function AcceptedPreview({ preview }: { preview: ImportPreview }) {
  const { t } = useTranslation();
  const accepted = preview.records.filter((record) => record.errors.length === 0);
  return (
    <Table.ScrollContainer minWidth={Math.max(800, preview.columns.length * 150)} type="native" mt="sm">
      <Table withTableBorder verticalSpacing={4} aria-label={t('import.acceptedTable')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('import.row')}</Table.Th>
            {preview.columns.map((field) => (
              <Table.Th scope="col" key={field}>
                {t(`fields.${field}`, { defaultValue: field })}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accepted.map((record) => (
            <Table.Tr key={record.row}>
              <Table.Th scope="row">{t('import.rowN', { row: record.row })}</Table.Th>
              {preview.columns.map((field) => (
                <Table.Td key={field}>{record.values[field] ?? ''}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
