import { Group, Paper, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useOrganisation } from '../organisations/queries.ts';
import { useCurrentUser } from '../session/session.ts';
import { CampaignsPanel } from './CampaignsPanel.tsx';
import { canPlan } from './permissions.ts';
import { PointsPanel } from './PointsPanel.tsx';
import { useProvinces } from './queries.ts';
import { useUrlParams } from '../common/urlParams.ts';
import { usePageTitle } from '../common/usePageTitle.ts';

type Tab = 'points' | 'campaigns';

/** The province of the account: its own, else that of the unit it is scoped to (undefined for a nationwide account). */
export function useScopeProvince(): { provinceCode: string | undefined; pending: boolean } {
  const user = useCurrentUser();
  const unitId = user.scope.provinceCode ? undefined : user.scope.organisationId;
  const unit = useOrganisation(unitId);
  if (user.scope.provinceCode) return { provinceCode: user.scope.provinceCode, pending: false };
  return { provinceCode: unit.data?.provinceCode ?? undefined, pending: !!unitId && unit.isPending };
}

/** Kế hoạch cấp thẻ: the province's intake points and the campaigns; a plan opens on its own page. Tab and province live in the URL. */
export default function PlanningPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [params, update] = useUrlParams();
  const tab: Tab = params.get('tab') === 'campaigns' ? 'campaigns' : 'points';
  const scope = useScopeProvince();
  const provinces = useProvinces();
  const provinceCode = scope.provinceCode ?? params.get('province') ?? undefined;
  const planner = canPlan(user.role);


  usePageTitle(t('planning.title'));

  const provinceName = provinces.data?.find((p) => p.code === provinceCode)?.name ?? provinceCode ?? '';

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('planning.title')}
      </Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t('planning.intro')}
      </Text>

      <Paper withBorder p="md">
        <Group align="flex-end" gap="md">
          {scope.provinceCode || scope.pending ? (
            <Stack gap={2}>
              <Text size="xs" c="dimmed">
                {t('planning.province')}
              </Text>
              <Text size="sm" fw={600} data-testid="planning-province">
                {provinceName || '…'}
              </Text>
            </Stack>
          ) : (
            <Select
              label={t('planning.province')}
              placeholder={t('planning.chooseProvince')}
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              data={(provinces.data ?? []).map((p) => ({ value: p.code, label: p.name }))}
              value={provinceCode ?? null}
              onChange={(value) => update({ province: value ?? undefined })}
              w={280}
            />
          )}
        </Group>
      </Paper>

      <Tabs value={tab} onChange={(value) => update({ tab: value === 'campaigns' ? 'campaigns' : undefined })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="points">{t('planning.tabs.points')}</Tabs.Tab>
          <Tabs.Tab value="campaigns">{t('planning.tabs.campaigns')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="points" pt="md">
          <PointsPanel provinceCode={provinceCode} canPlan={planner} />
        </Tabs.Panel>
        <Tabs.Panel value="campaigns" pt="md">
          <CampaignsPanel provinceCode={provinceCode} canPlan={planner} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
