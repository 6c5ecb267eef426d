import { Anchor, Breadcrumbs, Drawer, Group, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { OrgPicker } from '../organisations/OrgPicker.tsx';
import { useOrganisation } from '../organisations/queries.ts';
import { useCurrentUser } from '../session/session.ts';
import { DIFF_FIELDS, RESULT_STATUSES, type Field, type ResultQuery, type ResultStatus, type ResultView } from './api.ts';
import { CountsTable } from './CountsTable.tsx';
import { FIELD_KEYS, STATUS_KEYS } from './labels.ts';
import { canRunReconciliation } from './permissions.ts';
import { RESULTS_PAGE_SIZE, useResults, useSummary } from './queries.ts';
import { ResultPanel } from './ResultPanel.tsx';
import { ResultsPager, ResultsTable } from './ResultsTable.tsx';
import { RunPanel } from './RunPanel.tsx';
import { useUrlParams } from '../common/urlParams.ts';
import { usePageTitle } from '../common/usePageTitle.ts';

const isStatus = (value: string | null): value is ResultStatus => value !== null && (RESULT_STATUSES as readonly string[]).includes(value);
const isField = (value: string | null): value is Field => value !== null && (DIFF_FIELDS as readonly string[]).includes(value);

/** Đối chiếu dân cư: counts per unit, whole-list runs, the results with their differences, and decisions. Filters live in the URL. */
export default function ReconciliationPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [params, update] = useUrlParams();

  const organisationId = params.get('organisationId') ?? undefined;
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const fieldParam = params.get('field');
  const field = isField(fieldParam) ? fieldParam : undefined;
  const openParam = params.get('open');
  const open = openParam === 'true' ? true : openParam === 'false' ? false : undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);


  const query: ResultQuery = useMemo(() => {
    const result: ResultQuery = { page, pageSize: RESULTS_PAGE_SIZE };
    if (organisationId) result.organisationId = organisationId;
    if (status) result.status = status;
    if (field) result.field = field;
    if (open !== undefined) result.open = open;
    return result;
  }, [organisationId, status, field, open, page]);

  const summary = useSummary(organisationId);
  const results = useResults(query);
  const organisation = useOrganisation(organisationId);
  const scopeName = summary.data?.organisation?.name ?? organisation.data?.name ?? (organisationId ? '…' : t('reconciliation.myScope'));
  const [selected, setSelected] = useState<ResultView | null>(null);

  usePageTitle(t('reconciliation.title'));

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('reconciliation.title')}
      </Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t('reconciliation.intro')}
      </Text>

      <Paper withBorder p="md">
        <Group align="flex-end" justify="space-between" gap="md">
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              {t('reconciliation.scope')}
            </Text>
            <Breadcrumbs separator="›" aria-label={t('reconciliation.scopePath')}>
              {organisationId ? (
                <Anchor component="button" type="button" size="sm" onClick={() => update({ organisationId: undefined })}>
                  {t('reconciliation.myScope')}
                </Anchor>
              ) : (
                <Text size="sm" fw={600} aria-current="location">
                  {t('reconciliation.myScope')}
                </Text>
              )}
              {/* the units above, as far as the account sees them (the server leaves out the rest) */}
              {organisationId &&
                (organisation.data?.ancestors ?? []).map((ancestor) => (
                  <Anchor key={ancestor.id} component="button" type="button" size="sm" onClick={() => update({ organisationId: ancestor.id })}>
                    {ancestor.name}
                  </Anchor>
                ))}
              {organisationId && (
                <Text size="sm" fw={600} aria-current="location">
                  {scopeName}
                </Text>
              )}
            </Breadcrumbs>
          </Stack>
          <div style={{ flex: '0 1 320px', minWidth: 220 }}>
            <OrgPicker
              label={t('reconciliation.unitPicker')}
              value={organisationId ? { id: organisationId, name: scopeName } : null}
              onChange={(value) => update({ organisationId: value?.id })}
            />
          </div>
        </Group>
      </Paper>

      <RunPanel organisationId={organisationId} scopeName={scopeName} canRun={canRunReconciliation(user.role)} />

      <Stack gap="xs" component="section" aria-labelledby="reconciliation-counts">
        <Title order={2} size="h4" id="reconciliation-counts">
          {t('reconciliation.counts.title')}
        </Title>
        {summary.isError && <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />}
        {summary.isPending && !summary.isError && <Loader aria-label={t('common.loading')} />}
        {summary.data && (
          <Paper withBorder p="xs">
            <CountsTable summary={summary.data} onOpen={(unit) => update({ organisationId: unit.id })} />
          </Paper>
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="reconciliation-results">
        <Title order={2} size="h4" id="reconciliation-results">
          {t('reconciliation.results.title')}
        </Title>
        <Paper withBorder p="md">
          <Group align="flex-end" gap="md" role="group" aria-label={t('reconciliation.results.filters')}>
            <Select
              label={t('reconciliation.filters.status')}
              data={[
                { value: '', label: t('reconciliation.filters.notMatched') },
                ...RESULT_STATUSES.map((value) => ({ value, label: t(STATUS_KEYS[value]) })),
              ]}
              value={status ?? ''}
              onChange={(value) => update({ status: value ?? undefined })}
              allowDeselect={false}
              w={240}
            />
            <Select
              label={t('reconciliation.filters.field')}
              data={[{ value: '', label: t('reconciliation.filters.anyField') }, ...DIFF_FIELDS.map((value) => ({ value, label: t(FIELD_KEYS[value]) }))]}
              value={field ?? ''}
              onChange={(value) => update({ field: value ?? undefined })}
              allowDeselect={false}
              w={200}
            />
            <Select
              label={t('reconciliation.filters.decision')}
              data={[
                { value: '', label: t('reconciliation.filters.anyDecision') },
                { value: 'true', label: t('reconciliation.filters.open') },
                { value: 'false', label: t('reconciliation.filters.decided') },
              ]}
              value={openParam === 'true' || openParam === 'false' ? openParam : ''}
              onChange={(value) => update({ open: value ?? undefined })}
              allowDeselect={false}
              w={240}
            />
          </Group>
        </Paper>
        {results.isError && <ErrorAlert error={results.error} onRetry={() => void results.refetch()} />}
        {results.isPending && !results.isError && <Loader aria-label={t('common.loading')} />}
        {results.data && (
          <Paper withBorder p="xs">
            {results.data.items.length === 0 ? (
              <Text p="md" c="dimmed" role="status">
                {t('reconciliation.results.none')}
              </Text>
            ) : (
              <ResultsTable items={results.data.items} onOpen={setSelected} />
            )}
            <ResultsPager data={results.data} fetching={results.isFetching} onPage={(next) => update({ page: next > 1 ? String(next) : undefined }, false)} />
          </Paper>
        )}
      </Stack>

      <Drawer
        opened={selected !== null}
        onClose={() => setSelected(null)}
        position="right"
        size="xl"
        title={selected ? t('reconciliation.detail.title', { name: selected.fullName }) : ''}
      >
        {selected && <ResultPanel key={selected.memberId} memberId={selected.memberId} placeholder={selected} memberLink />}
      </Drawer>
    </Stack>
  );
}
