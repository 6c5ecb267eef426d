import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { openableRow } from '../common/rows.ts';
import { formatNumber } from '../format.ts';
import type { ResultPage, ResultView } from './api.ts';
import { FIELD_KEYS } from './labels.ts';
import { DecisionBadge, StatusBadge } from './ResultPanel.tsx';

/** The results: one row per member; a click, Enter or the row's button opens the side-by-side view. */
export function ResultsTable({ items, onOpen }: { items: readonly ResultView[]; onOpen: (result: ResultView) => void }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped highlightOnHover verticalSpacing={6} aria-label={t('reconciliation.results.label')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('fields.fullName')}</Table.Th>
            <Table.Th scope="col">{t('fields.personalId')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.columns.unit')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.columns.status')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.columns.fields')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.columns.decision')}</Table.Th>
            <Table.Th scope="col">{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((result) => (
            <Table.Tr
              key={result.memberId}
              data-member-id={result.memberId}
              {...openableRow(() => onOpen(result))}
            >
              <Table.Td>
                <Text size="sm" fw={500}>
                  {result.fullName}
                </Text>
              </Table.Td>
              <Table.Td ff="monospace">{result.personalId ?? ''}</Table.Td>
              <Table.Td>{result.organisationName}</Table.Td>
              <Table.Td>
                <StatusBadge status={result.status} />
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {result.differences.map((difference) => (
                    <Badge key={difference.field} size="sm" variant={difference.blocking ? 'light' : 'outline'} color={difference.blocking ? 'red' : 'gray'} tt="none">
                      {t(FIELD_KEYS[difference.field])}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <DecisionBadge result={result} />
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="default"
                  aria-label={t('reconciliation.results.openNamed', { name: result.fullName })}
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpen(result);
                  }}
                >
                  {t('reconciliation.results.open')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface PagerProps {
  data: ResultPage;
  fetching: boolean;
  onPage: (page: number) => void;
}

/** The server counts the results, so the pager knows the last page. */
export function ResultsPager({ data, fetching, onPage }: PagerProps) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const from = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const to = Math.min(data.total, from + data.items.length - 1);
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {data.total === 0
          ? ''
          : t('reconciliation.results.showing', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(data.total), page: data.page, pages })}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={data.page <= 1 || fetching} onClick={() => onPage(data.page - 1)}>
          {t('common.previousPage')}
        </Button>
        <Button variant="default" size="xs" disabled={data.page >= pages || fetching} onClick={() => onPage(data.page + 1)}>
          {t('common.nextPage')}
        </Button>
      </Group>
    </Group>
  );
}
