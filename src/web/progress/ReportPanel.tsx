import { Button, Group, Paper, Select, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../format.ts';
import { archivedReportUrl, reportUrl } from './api.ts';
import { useArchivedReports } from './queries.ts';

/** Today's report from the counts now (PDF to sign, .xlsx to forward), and the evening archive of earlier days. */
export function ReportPanel({ organisationId }: { organisationId: string | undefined }) {
  const { t } = useTranslation();
  const archive = useArchivedReports(organisationId);
  const [chosen, setChosen] = useState<string | null>(null);
  const reports = archive.data?.reports ?? [];
  const report = reports.find((r) => r.id === chosen) ?? reports[0];
  return (
    <Paper withBorder p="md">
      <Text fw={600} mb="xs">
        {t('progress.report.title')}
      </Text>
      <Group gap="sm">
        <Button component="a" href={reportUrl('pdf', organisationId)} download variant="filled">
          {t('progress.report.todayPdf')}
        </Button>
        <Button component="a" href={reportUrl('xlsx', organisationId)} download variant="default">
          {t('progress.report.todayXlsx')}
        </Button>
      </Group>
      {organisationId && (
        <Group gap="sm" mt="sm" align="end">
          <Select
            label={t('progress.report.archive')}
            placeholder={reports.length === 0 ? t('progress.report.archiveEmpty') : undefined}
            disabled={reports.length === 0}
            data={reports.map((r) => ({ value: r.id, label: formatDate(r.day) }))}
            value={report?.id ?? null}
            onChange={setChosen}
            w={180}
          />
          {report && (
            <>
              <Button component="a" href={archivedReportUrl(report.id, 'pdf')} download variant="default">
                PDF
              </Button>
              <Button component="a" href={archivedReportUrl(report.id, 'xlsx')} download variant="default">
                Excel
              </Button>
            </>
          )}
        </Group>
      )}
    </Paper>
  );
}
