import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { openableRow } from '../common/rows.ts';
import type { MemberPage, MemberStatus, MemberSummary } from '../api.ts';
import { formatBirth } from '../format.ts';

const statusColor: Record<MemberStatus, string> = {
  official: 'green',
  probationary: 'blue',
  moved_out: 'gray',
  deceased: 'dark',
  left: 'orange',
};

export function StatusBadge({ status }: { status: MemberStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="light" tt="none">
      {t(`status.${status}`)}
    </Badge>
  );
}

export function EligibleBadge({ eligible }: { eligible: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge color={eligible ? 'green' : 'gray'} variant={eligible ? 'filled' : 'outline'} tt="none">
      {eligible ? t('common.yes') : t('common.no')}
    </Badge>
  );
}

interface Props {
  label: string;
  items: readonly MemberSummary[];
  onOpen: (id: string) => void;
  /** Hide the cell column (e.g. when listing one cell). */
  showOrganisation?: boolean;
}

/** Members as a table. Each row is focusable: Enter or a click opens the member; arrow keys move between rows. */
export function MemberTable({ label, items, onOpen, showOrganisation = true }: Props) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={showOrganisation ? 900 : 700}>
      <Table striped highlightOnHover verticalSpacing={6} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('fields.personalId')}</Table.Th>
            <Table.Th scope="col">{t('fields.fullName')}</Table.Th>
            <Table.Th scope="col">{t('fields.dateOfBirth')}</Table.Th>
            <Table.Th scope="col">{t('fields.gender')}</Table.Th>
            {showOrganisation && <Table.Th scope="col">{t('fields.cell')}</Table.Th>}
            <Table.Th scope="col">{t('fields.status')}</Table.Th>
            <Table.Th scope="col">{t('members.eligible')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((member) => (
            <Table.Tr
              key={member.id}
              data-member-id={member.id}
              {...openableRow(() => onOpen(member.id))}
            >
              <Table.Td ff="monospace">{member.personalId ?? ''}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {member.fullName}
                  </Text>
                  {member.needsHomeVisit && (
                    <Badge size="xs" color="violet" variant="light" tt="none">
                      {t('members.homeVisit')}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{formatBirth(member.dateOfBirth, member.birthYear)}</Table.Td>
              <Table.Td>{member.gender ? t(`gender.${member.gender}`) : ''}</Table.Td>
              {showOrganisation && <Table.Td>{member.organisationName}</Table.Td>}
              <Table.Td>
                <StatusBadge status={member.status} />
              </Table.Td>
              <Table.Td>
                <EligibleBadge eligible={member.eligible} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface PagerProps {
  data: MemberPage | undefined;
  page: number;
  onPage: (page: number) => void;
  fetching: boolean;
}

/** The server tells only whether there is a next page, so the pager goes one page at a time. */
export function Pager({ data, page, onPage, fetching }: PagerProps) {
  const { t } = useTranslation();
  const count = data?.items.length ?? 0;
  const first = count === 0 ? 0 : (page - 1) * (data?.pageSize ?? 0) + 1;
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {count === 0 ? '' : t('members.showing', { from: first, to: first + count - 1, page })}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={page <= 1 || fetching} onClick={() => onPage(page - 1)}>
          {t('common.previousPage')}
        </Button>
        <Button variant="default" size="xs" disabled={!data?.hasMore || fetching} onClick={() => onPage(page + 1)}>
          {t('common.nextPage')}
        </Button>
      </Group>
    </Group>
  );
}
