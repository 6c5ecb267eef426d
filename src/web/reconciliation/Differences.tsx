import { Badge, Mark, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Difference } from './api.ts';
import { diffSegments, type Segment } from './diffText.ts';
import { CAUSE_KEYS, diffModeOf, FIELD_KEYS, shownValue } from './labels.ts';

/** One value with the parts the other value lacks highlighted (<mark>). */
export function DiffText({ segments }: { segments: readonly Segment[] }) {
  const { t } = useTranslation();
  if (segments.length === 0) {
    return (
      <Text span size="sm" c="dimmed" fs="italic">
        {t('reconciliation.empty')}
      </Text>
    );
  }
  return (
    <Text span size="sm" style={{ whiteSpace: 'pre-wrap' }}>
      {segments.map((segment, index) =>
        segment.changed ? (
          <Mark key={index} color="yellow" fw={700}>
            {segment.text}
          </Mark>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </Text>
  );
}

export function BlockingBadge({ blocking, decided = false }: { blocking: boolean; decided?: boolean }) {
  const { t } = useTranslation();
  if (blocking && decided) {
    return (
      <Badge color="gray" variant="light" tt="none">
        {t('reconciliation.blocksDecided')}
      </Badge>
    );
  }
  return (
    <Badge color={blocking ? 'red' : 'gray'} variant={blocking ? 'light' : 'outline'} tt="none">
      {blocking ? t('reconciliation.blocks') : t('reconciliation.informational')}
    </Badge>
  );
}

/** The side-by-side view: every difference, party record beside the population register, with its cause. */
export function DifferencesTable({ differences, label, decided = false }: { differences: readonly Difference[]; label: string; decided?: boolean }) {
  const { t } = useTranslation();
  const gender = (value: 'male' | 'female') => t(`gender.${value}`);
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table withTableBorder withColumnBorders verticalSpacing="xs" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('reconciliation.columns.field')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.partyRecord')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.populationRegister')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.columns.cause')}</Table.Th>
            <Table.Th scope="col">{t('reconciliation.columns.blocking')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {differences.map((difference) => {
            const view = diffSegments(
              shownValue(difference.field, difference.party, gender),
              shownValue(difference.field, difference.population, gender),
              diffModeOf(difference.field),
            );
            return (
              <Table.Tr key={difference.field} data-field={difference.field}>
                <Table.Th scope="row" fw={600}>
                  {t(FIELD_KEYS[difference.field])}
                </Table.Th>
                <Table.Td data-side="party">
                  <DiffText segments={view.party} />
                </Table.Td>
                <Table.Td data-side="population">
                  <DiffText segments={view.population} />
                </Table.Td>
                <Table.Td>{t(CAUSE_KEYS[difference.cause])}</Table.Td>
                <Table.Td>
                  <BlockingBadge blocking={difference.blocking} decided={decided} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
