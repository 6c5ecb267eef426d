import { Anchor, Badge, Breadcrumbs, Button, Grid, Group, Loader, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'wouter';
import type { OrganisationDetail } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { canManageOrganisations } from '../common/roles.ts';
import { formatNumber } from '../format.ts';
import { MemberTable, Pager } from '../members/MemberTable.tsx';
import { PAGE_SIZE, useMemberList } from '../members/queries.ts';
import { useCurrentUser } from '../session/session.ts';
import { OrgActionModal, childKinds, type OrgAction, type OrgChange } from './OrgActions.tsx';
import { OrgTree, type OrgTreeHandle } from './OrgTree.tsx';
import { orgKeys, useOrganisation } from './queries.ts';

/** Tổ chức đảng: the tree on the left, the chosen unit with its members on the right. */
export default function OrganisationsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('id');
  const treeRef = useRef<OrgTreeHandle>(null);
  const detail = useOrganisation(selectedId);
  const revealed = useRef<string | null>(null);

  // A link to a unit deep in the tree opens the path to it once.
  useEffect(() => {
    if (!detail.data || revealed.current === detail.data.id) return;
    revealed.current = detail.data.id;
    void treeRef.current?.reveal(detail.data.ancestors.map((ancestor) => ancestor.id));
  }, [detail.data]);

  const select = (id: string | null) => {
    revealed.current = id;
    setParams(id ? { id } : {});
  };

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('orgs.title')}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="xs">
            <ScrollArea h="calc(100vh - 170px)" type="auto" offsetScrollbars>
              <OrgTree ref={treeRef} label={t('orgs.treeLabel')} selectedId={selectedId} onSelect={(org) => select(org.id)} />
            </ScrollArea>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {!selectedId && (
            <Paper withBorder p="lg">
              <Text c="dimmed">{t('orgs.selectHint')}</Text>
            </Paper>
          )}
          {selectedId && detail.isPending && <Loader aria-label={t('common.loading')} />}
          {selectedId && detail.isError && <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />}
          {detail.data && (
            <OrgDetails
              org={detail.data}
              onSelect={(id) => select(id)}
              onChanged={async (change) => {
                await treeRef.current?.refresh();
                if (change.select) select(change.select);
              }}
            />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

interface DetailsProps {
  org: OrganisationDetail;
  onSelect: (id: string) => void;
  onChanged: (change: OrgChange) => Promise<void>;
}

function OrgDetails({ org, onSelect, onChanged }: DetailsProps) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [action, setAction] = useState<OrgAction | null>(null);
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [org.id]);
  const members = useMemberList({ organisationId: org.id, page, pageSize: PAGE_SIZE });
  const manage = canManageOrganisations(user.role) && !org.closed;

  const done = async (change: OrgChange) => {
    setAction(null);
    await queryClient.invalidateQueries({ queryKey: orgKeys.all });
    await queryClient.invalidateQueries({ queryKey: ['members'] });
    // everything open in the tree is reloaded, so moved units show in their new place
    await onChanged(change);
  };

  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Stack gap="xs">
          {org.ancestors.length > 0 && (
            <Breadcrumbs separator="›" aria-label={t('orgs.ancestors')}>
              {org.ancestors.map((ancestor) => (
                <Anchor key={ancestor.id} component="button" type="button" size="sm" onClick={() => onSelect(ancestor.id)}>
                  {ancestor.name}
                </Anchor>
              ))}
            </Breadcrumbs>
          )}
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Title order={2} size="h3">
              {org.name}
            </Title>
            {org.closed && (
              <Badge color="gray" tt="none">
                {t('orgs.closed')}
              </Badge>
            )}
          </Group>
          <Group gap="xl">
            <Text size="sm">
              <Text span c="dimmed">
                {t('orgs.fields.kind')}:{' '}
              </Text>
              {t(`orgKind.${org.kind}`)}
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                {t('orgs.fields.memberCount')}:{' '}
              </Text>
              {formatNumber(org.memberCount)}
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                {t('orgs.fields.childCount')}:{' '}
              </Text>
              {formatNumber(org.childCount)}
            </Text>
            {org.communeCode && (
              <Text size="sm">
                <Text span c="dimmed">
                  {t('orgs.fields.communeCode')}:{' '}
                </Text>
                {org.communeCode}
              </Text>
            )}
          </Group>
          {manage && (
            <Group gap="xs" mt="xs" role="group" aria-label={t('orgs.actions.label')}>
              {childKinds(org.kind).length > 0 && (
                <Button size="xs" onClick={() => setAction('create')}>
                  {t('orgs.actions.create')}
                </Button>
              )}
              <Button size="xs" variant="default" onClick={() => setAction('rename')}>
                {t('orgs.actions.rename')}
              </Button>
              {org.parentId && (
                <>
                  <Button size="xs" variant="default" onClick={() => setAction('move')}>
                    {t('orgs.actions.move')}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setAction('merge')}>
                    {t('orgs.actions.merge')}
                  </Button>
                  <Button size="xs" variant="outline" color="red" onClick={() => setAction('close')}>
                    {t('orgs.actions.close')}
                  </Button>
                </>
              )}
            </Group>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="md">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h4">
            {t('orgs.membersOf')}
          </Title>
          <Anchor component={Link} href={`/members?organisationId=${encodeURIComponent(org.id)}`} size="sm">
            {t('orgs.openInMembers')}
          </Anchor>
        </Group>
        {members.isError && <ErrorAlert error={members.error} onRetry={() => void members.refetch()} />}
        {members.isPending && <Loader size="sm" aria-label={t('common.loading')} />}
        {members.data &&
          (members.data.items.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('orgs.noMembers')}
            </Text>
          ) : (
            <>
              <MemberTable
                label={t('orgs.membersTableLabel', { name: org.name })}
                items={members.data.items}
                onOpen={(id) => navigate(`/members/${encodeURIComponent(id)}`)}
                showOrganisation={org.childCount > 0}
              />
              <Pager data={members.data} page={page} onPage={setPage} fetching={members.isFetching} />
            </>
          ))}
      </Paper>

      <OrgActionModal action={action} org={org} onClose={() => setAction(null)} onDone={(change) => void done(change)} />
    </Stack>
  );
}
