import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format.ts';
import type { OfficerPace } from './api.ts';
import { clockTime, formatMinutes } from './labels.ts';

/** Each officer's day: how many dossiers, from when to when, how long one takes, how many came back. */
export function PaceTable({ officers }: { officers: readonly OfficerPace[] }) {
  const { t } = useTranslation();
  if (officers.length === 0) {
    return (
      <Text p="md" c="dimmed" role="status">
        {t('review.pace.none')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped verticalSpacing={6} aria-label={t('review.pace.label')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('review.pace.officer')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('review.pace.confirmed')}
            </Table.Th>
            <Table.Th scope="col">{t('review.pace.first')}</Table.Th>
            <Table.Th scope="col">{t('review.pace.last')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('review.pace.between')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('review.pace.perDossier')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('review.pace.returned')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {officers.map((officer) => (
            <Table.Tr key={officer.officerId}>
              <Table.Th scope="row" fw={500}>
                {officer.officerName}
              </Table.Th>
              <Table.Td ta="right">{formatNumber(officer.confirmed)}</Table.Td>
              <Table.Td>{clockTime(officer.firstConfirmedAt)}</Table.Td>
              <Table.Td>{clockTime(officer.lastConfirmedAt)}</Table.Td>
              <Table.Td ta="right">{formatMinutes(officer.medianMinutesBetween)}</Table.Td>
              <Table.Td ta="right">{formatMinutes(officer.medianMinutesPerDossier)}</Table.Td>
              <Table.Td ta="right" c={officer.returned ? 'orange.8' : undefined}>
                {formatNumber(officer.returned)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
