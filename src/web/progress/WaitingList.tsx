import { Button, Group, Loader, Paper, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatBirth, formatDate } from '../format.ts';
import { useWaiting } from './queries.ts';

/** Who has not come yet (for the cell secretary to call), with the cell's next booked day. */
export function WaitingList({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const waiting = useWaiting(organisationId, page);
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('progress.waiting.title')}</Text>
        {waiting.isFetching && <Loader size="xs" aria-label={t('common.loading')} />}
      </Group>
      {waiting.isError && <ErrorAlert error={waiting.error} onRetry={() => void waiting.refetch()} />}
      {waiting.data && (
        <>
          <Table.ScrollContainer minWidth={700}>
            <Table striped verticalSpacing={4} aria-label={t('progress.waiting.title')}>
              <Table.Thead>
                <Table.Tr>
                  {(['index', 'name', 'birth', 'cell', 'appointment'] as const).map((key) => (
                    <Table.Th scope="col" key={key}>
                      {t(`progress.waiting.${key}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {waiting.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text size="sm" c="dimmed">
                        {t('progress.waiting.none')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {waiting.data.items.map((m, i) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>{(page - 1) * 100 + i + 1}</Table.Td>
                    <Table.Td>
                      {m.fullName}
                      {m.returned ? ` (${t('progress.waiting.returned')})` : ''}
                    </Table.Td>
                    <Table.Td>{formatBirth(m.dateOfBirth, m.birthYear)}</Table.Td>
                    <Table.Td>{m.organisationName}</Table.Td>
                    <Table.Td>{m.appointment ? t('progress.waiting.booked', { date: formatDate(m.appointment.day), shift: t(`planning.shift.${m.appointment.shift}`), point: m.appointment.pointName }) : t('progress.waiting.notBooked')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="end" mt="xs">
            <Button variant="default" size="xs" disabled={page === 1} onClick={() => setPage((p) => p - 1)}>
              {t('common.previousPage')}
            </Button>
            <Button variant="default" size="xs" disabled={!waiting.data.hasMore} onClick={() => setPage((p) => p + 1)}>
              {t('common.nextPage')}
            </Button>
          </Group>
        </>
      )}
    </Paper>
  );
}
