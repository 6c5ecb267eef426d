import { Button, Group, Loader, Paper, Select, Stack, Switch, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { MEMBER_STATUSES, type MemberQuery, type MemberStatus } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { searchTextOf } from '../format.ts';
import { OrgPicker } from '../organisations/OrgPicker.tsx';
import { useOrganisation } from '../organisations/queries.ts';
import { MemberTable, Pager } from './MemberTable.tsx';
import { PAGE_SIZE, rememberMembersSearch, useMemberList } from './queries.ts';
import { useUrlParams } from '../common/urlParams.ts';

function isStatus(value: string | null): value is MemberStatus {
  return value !== null && (MEMBER_STATUSES as readonly string[]).includes(value);
}

/** Đảng viên: search by personal ID or name, filter by status and unit. Filters live in the URL. */
export default function MembersPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [params, update] = useUrlParams();

  const q = params.get('q') ?? '';
  const exact = params.get('exact') === 'true';
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const organisationId = params.get('organisationId') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);

  const search = params.toString();
  useEffect(() => rememberMembersSearch(search), [search]);

  const [text, setText] = useState(q);
  // follow the URL (back/forward, links) without undoing what is being typed
  useEffect(() => setText((previous) => (searchTextOf(previous) === q ? previous : q)), [q]);


  const pushSearch = useDebouncedCallback((value: string) => update({ q: searchTextOf(value) }), 400);

  const query: MemberQuery = useMemo(() => {
    const result: MemberQuery = { page, pageSize: PAGE_SIZE };
    if (q) result.q = q;
    if (exact) result.exact = true;
    if (status) result.status = status;
    if (organisationId) result.organisationId = organisationId;
    return result;
  }, [q, exact, status, organisationId, page]);

  const list = useMemberList(query);
  const organisation = useOrganisation(organisationId);
  const orgValue = organisationId ? { id: organisationId, name: organisation.data?.name ?? '…' } : null;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('members.title')}
      </Title>
      <Paper withBorder p="md">
        <form
          role="search"
          aria-label={t('members.searchForm')}
          onSubmit={(event) => {
            event.preventDefault();
            pushSearch.cancel();
            const value = searchTextOf(text);
            setText(value);
            update({ q: value });
          }}
        >
          <Group align="flex-end" gap="md" wrap="wrap">
            <TextInput
              label={t('members.search')}
              placeholder={t('members.searchPlaceholder')}
              type="search"
              value={text}
              onChange={(event) => {
                setText(event.currentTarget.value);
                pushSearch(event.currentTarget.value);
              }}
              autoFocus
              autoComplete="off"
              spellCheck={false}
              style={{ flex: '1 1 320px' }}
            />
            <Button type="submit" variant="default">
              {t('members.searchButton')}
            </Button>
            <Tooltip label={t('members.exactHelp')} multiline w={280} withArrow>
              <Switch
                label={t('members.exact')}
                checked={exact}
                onChange={(event) => update({ exact: event.currentTarget.checked ? 'true' : undefined })}
                mb={8}
              />
            </Tooltip>
            <Select
              label={t('fields.status')}
              data={[
                { value: '', label: t('members.allStatuses') },
                ...MEMBER_STATUSES.map((value) => ({ value, label: t(`status.${value}`) })),
              ]}
              value={status ?? ''}
              onChange={(value) => update({ status: value ?? undefined })}
              allowDeselect={false}
              w={200}
            />
            <div style={{ flex: '0 1 300px', minWidth: 220 }}>
              <OrgPicker
                label={t('members.organisationFilter')}
                value={orgValue}
                onChange={(value) => update({ organisationId: value?.id })}
              />
            </div>
          </Group>
        </form>
      </Paper>

      {list.isError && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending && !list.isError && <Loader aria-label={t('common.loading')} />}
      {list.data && (
        <Paper withBorder p="xs" pos="relative">
          {list.data.items.length === 0 ? (
            <Text p="md" c="dimmed" role="status">
              {q ? t('members.noneFound', { q }) : t('members.none')}
            </Text>
          ) : (
            <MemberTable
              label={t('members.tableLabel')}
              items={list.data.items}
              onOpen={(id) => navigate(`/members/${encodeURIComponent(id)}`)}
            />
          )}
          <Pager
            data={list.data}
            page={page}
            fetching={list.isFetching}
            onPage={(next) => update({ page: next > 1 ? String(next) : undefined }, false)}
          />
        </Paper>
      )}
    </Stack>
  );
}
