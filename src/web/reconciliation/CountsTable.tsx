import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format.ts';
import type { OrgChoice } from '../organisations/OrgPicker.tsx';
import type { Counts, Summary } from './api.ts';
import { COUNT_KEYS } from './labels.ts';

const COLUMNS: readonly (keyof Counts)[] = ['members', 'checked', 'matched', 'mismatched', 'notFound', 'awaiting', 'open'];

function CountCells({ counts, strong = false }: { counts: Counts; strong?: boolean }) {
  return (
    <>
      {COLUMNS.map((column) => (
        <Table.Td key={column} ta="right" fw={strong || (column === 'open' && counts.open > 0) ? 700 : undefined} c={column === 'open' && counts.open > 0 ? 'red.8' : undefined}>
          {formatNumber(counts[column])}
        </Table.Td>
      ))}
    </>
  );
}

/** Counts per direct child unit of the scope (each over its whole subtree), and the scope's totals. A unit's name opens it. */
export function CountsTable({ summary, onOpen }: { summary: Summary; onOpen: (unit: OrgChoice) => void }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table striped highlightOnHover verticalSpacing={6} aria-label={t('reconciliation.counts.label')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('reconciliation.counts.unit')}</Table.Th>
            {COLUMNS.map((column) => (
              <Table.Th scope="col" key={column} ta="right">
                {t(COUNT_KEYS[column])}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {summary.units.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={COLUMNS.length + 1}>
                <Text size="sm" c="dimmed">
                  {t('reconciliation.counts.noUnits')}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {summary.units.map((unit) => (
            <Table.Tr key={unit.organisationId}>
              <Table.Th scope="row" fw={500}>
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  ta="left"
                  onClick={() => onOpen({ id: unit.organisationId, name: unit.name })}
                  aria-label={unit.hasChildren ? t('reconciliation.counts.openUnits', { name: unit.name }) : t('reconciliation.counts.openUnit', { name: unit.name })}
                >
                  {unit.name}
                  {unit.hasChildren ? ' ›' : ''}
                </Anchor>
              </Table.Th>
              <CountCells counts={unit} />
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row">{summary.organisation ? t('reconciliation.counts.totalOf', { name: summary.organisation.name }) : t('reconciliation.counts.total')}</Table.Th>
            <CountCells counts={summary.totals} strong />
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}
