import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { openableRow } from '../../common/rows.ts';
import { formatDateTime, formatNumber } from '../../format.ts';
import type { DossierStatus, DossierSummary, PhotoCheck, QueuePage } from './api.ts';
import { STATE_COLORS, STATE_KEYS } from './labels.ts';

export function StateBadge({ state }: { state: DossierStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLORS[state]} variant="light" tt="none" miw="max-content">
      {t(STATE_KEYS[state])}
    </Badge>
  );
}

/** The server's photo check: passed, refused, or not run yet. */
export function PhotoCheckBadge({ check }: { check: PhotoCheck | null }) {
  const { t } = useTranslation();
  if (!check) {
    return (
      <Badge color="gray" variant="outline" tt="none" miw="max-content">
        {t('review.photoCheck.pending')}
      </Badge>
    );
  }
  return (
    <Badge color={check.ok ? 'green' : 'red'} variant="light" tt="none" miw="max-content" title={check.issues.map((i) => i.message).join(' ')}>
      {check.ok ? t('review.photoCheck.ok') : t('review.photoCheck.refused')}
    </Badge>
  );
}

/** The queue: one row per dossier; a click, Enter or the row's button opens it (arrow keys move between rows). */
export function QueueTable({ items, onOpen }: { items: readonly DossierSummary[]; onOpen: (dossier: DossierSummary) => void }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={1200}>
      <Table striped highlightOnHover verticalSpacing={6} aria-label={t('review.queue.label')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('fields.fullName')}</Table.Th>
            <Table.Th scope="col">{t('fields.personalId')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.unit')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.place')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.officer')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.received')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.deviceTime')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.state')}</Table.Th>
            <Table.Th scope="col">{t('review.columns.photoCheck')}</Table.Th>
            <Table.Th scope="col">{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((dossier) => (
            <Table.Tr
              key={dossier.id}
              data-dossier-id={dossier.id}
              {...openableRow(() => onOpen(dossier))}
            >
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {dossier.fullName}
                  </Text>
                  {dossier.conflict && (
                    <Badge color="red" variant="filled" size="sm" tt="none" miw="max-content">
                      {t('review.conflict.badge')}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td ff="monospace">{dossier.personalId}</Table.Td>
              <Table.Td>{dossier.organisationName}</Table.Td>
              <Table.Td>{dossier.pointName ?? dossier.mobileTeamName ?? '—'}</Table.Td>
              <Table.Td>{dossier.officerName ?? '—'}</Table.Td>
              <Table.Td>{formatDateTime(dossier.receivedAt)}</Table.Td>
              <Table.Td>{formatDateTime(dossier.deviceSubmittedAt) || '—'}</Table.Td>
              <Table.Td>
                <StateBadge state={dossier.state} />
              </Table.Td>
              <Table.Td>
                <PhotoCheckBadge check={dossier.photoCheck} />
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="default"
                  aria-label={t('review.queue.openNamed', { name: dossier.fullName })}
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpen(dossier);
                  }}
                >
                  {t('review.queue.open')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The server counts the queue, so the pager knows the last page. */
export function QueuePager({ data, fetching, onPage }: { data: QueuePage; fetching: boolean; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {t('review.queue.count', { count: data.total, total: formatNumber(data.total), page: data.page, pages })}
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
