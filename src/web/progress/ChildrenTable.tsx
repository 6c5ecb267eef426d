import { Anchor, Badge, Group, SegmentedControl, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../format.ts';
import type { ChildProgress } from './api.ts';
import { formatPercent, percentDone, sortChildren, type ChildSort } from './summary.ts';

/** One row per child unit (its whole subtree): counts, % of target, projected finish and lateness; a name opens it. */
export function ChildrenTable({ rows, sort, onSort, onOpen }: { rows: ChildProgress[]; sort: ChildSort; onSort: (sort: ChildSort) => void; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Group justify="space-between" align="end">
        <Text fw={600}>{t('progress.children.title')}</Text>
        <SegmentedControl
          size="xs"
          value={sort}
          onChange={(value) => onSort(value as ChildSort)}
          aria-label={t('progress.children.sort')}
          data={(['name', 'percent', 'lateness'] as const).map((value) => ({ value, label: t(`progress.children.sortBy.${value}`) }))}
        />
      </Group>
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing={6} aria-label={t('progress.children.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('progress.children.unit')}</Table.Th>
              {(['target', 'received', 'percent', 'approved', 'openMismatches', 'conflicts', 'finish', 'late'] as const).map((key) => (
                <Table.Th scope="col" key={key} ta="right">
                  {t(`progress.children.${key}`)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={9}>
                  <Text size="sm" c="dimmed">
                    {t('progress.children.none')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {sortChildren(rows, sort).map((row) => {
              const f = row.forecast;
              return (
                <Table.Tr key={row.id}>
                  <Table.Th scope="row" fw={500}>
                    <Anchor component="button" type="button" size="sm" ta="left" onClick={() => onOpen(row.id)} aria-label={t('progress.children.open', { name: row.name })}>
                      {row.name} ›
                    </Anchor>
                  </Table.Th>
                  <Table.Td ta="right">{formatNumber(row.target)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(row.received)}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {formatPercent(percentDone(row))}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(row.approved)}</Table.Td>
                  <Table.Td ta="right" c={row.openMismatches > 0 ? 'red.8' : undefined}>
                    {formatNumber(row.openMismatches)}
                  </Table.Td>
                  <Table.Td ta="right" c={row.conflicts > 0 ? 'red.8' : undefined}>
                    {formatNumber(row.conflicts)}
                  </Table.Td>
                  <Table.Td ta="right">{f?.status === 'done' || f?.status === 'projected' ? (f.finish ? formatDate(f.finish) : '–') : t(`progress.status.${f?.status ?? 'none'}`)}</Table.Td>
                  <Table.Td ta="right">
                    {f?.deadlineMet === false ? (
                      <Badge color="red" variant="light">
                        {f.lateDays === null ? t('progress.children.never') : t('progress.children.lateDays', { days: f.lateDays })}
                      </Badge>
                    ) : f?.deadlineMet ? (
                      <Badge color="green" variant="light">
                        {t('progress.children.onTime')}
                      </Badge>
                    ) : (
                      '–'
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
