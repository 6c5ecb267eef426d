import { Alert, Anchor, Badge, Button, Group, Loader, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import type { Organisation } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldMessages, focusFirstError } from '../common/errors.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { OrgPicker, type OrgChoice } from '../organisations/OrgPicker.tsx';
import { useOrganisation } from '../organisations/queries.ts';
import { useCurrentUser } from '../session/session.ts';
import type { Campaign, CampaignSummary } from './api.ts';
import { campaignIssueField, parseDateList, PLAN_STATUS_COLORS, PLAN_STATUS_KEYS, typedDay } from './labels.ts';
import { useCampaignPlans, useCampaigns, useCreateCampaign, usePlanCampaign } from './queries.ts';

/** Units a campaign belongs to: a provincial committee, or a central-level one (whose members come to one province's points). */
export const isCampaignUnit = (org: Pick<Organisation, 'kind'>): boolean => org.kind === 'provincial_committee' || org.kind === 'central_committee';

/** Đợt cấp thẻ: the campaigns in scope, creating one, each one's plans (to go back to any), and "Lập kế hoạch" (which opens the new plan). */
export function CampaignsPanel({ provinceCode, canPlan }: { provinceCode: string | undefined; canPlan: boolean }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const campaigns = useCampaigns();
  const plan = usePlanCampaign();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);

  return (
    <Stack gap="sm" component="section" aria-labelledby="planning-campaigns">
      <Group justify="space-between">
        <Title order={2} size="h4" id="planning-campaigns">
          {t('planning.campaigns.title')}
        </Title>
        {canPlan && (
          <Button
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            {t('planning.campaigns.add')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" maw={900}>
        {t('planning.campaigns.help')}
      </Text>
      {notice && (
        <Alert color="green" variant="light" role="status">
          {notice}
        </Alert>
      )}
      {plan.error ? <ErrorAlert error={plan.error} title={t('planning.campaigns.planFailed')} /> : null}
      {campaigns.isError && <ErrorAlert error={campaigns.error} onRetry={() => void campaigns.refetch()} />}
      {campaigns.isPending && !campaigns.isError && <Loader aria-label={t('common.loading')} />}
      {campaigns.data && (
        <Paper withBorder p="xs">
          {campaigns.data.length === 0 ? (
            <Text p="md" c="dimmed" role="status">
              {t('planning.campaigns.none')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table striped verticalSpacing={6} aria-label={t('planning.campaigns.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('planning.campaigns.columns.name')}</Table.Th>
                    <Table.Th scope="col">{t('planning.campaigns.columns.unit')}</Table.Th>
                    <Table.Th scope="col">{t('planning.campaigns.columns.start')}</Table.Th>
                    <Table.Th scope="col">{t('planning.campaigns.columns.deadline')}</Table.Th>
                    <Table.Th scope="col">{t('common.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {campaigns.data.map((campaign) => (
                    <Fragment key={campaign.id}>
                      <Table.Tr>
                        <Table.Th scope="row" fw={600}>
                          {campaign.name}
                        </Table.Th>
                        <Table.Td>{campaign.organisationName}</Table.Td>
                        <Table.Td>{formatDate(campaign.startDate)}</Table.Td>
                        <Table.Td>{formatDate(campaign.deadline)}</Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            <Button
                              size="xs"
                              variant="default"
                              aria-expanded={shown === campaign.id}
                              aria-controls={`campaign-plans-${campaign.id}`}
                              aria-label={t('planning.campaigns.plansNamed', { name: campaign.name })}
                              onClick={() => setShown(shown === campaign.id ? null : campaign.id)}
                            >
                              {t('planning.campaigns.plans')}
                            </Button>
                            {canPlan && (
                              <Button
                                size="xs"
                                aria-label={t('planning.campaigns.planNamed', { name: campaign.name })}
                                loading={plan.isPending && plan.variables === campaign.id}
                                disabled={plan.isPending && plan.variables !== campaign.id}
                                onClick={() => plan.mutate(campaign.id, { onSuccess: (created) => navigate(`/planning/plans/${created.id}`) })}
                              >
                                {t('planning.campaigns.plan')}
                              </Button>
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                      {shown === campaign.id && (
                        <Table.Tr id={`campaign-plans-${campaign.id}`}>
                          <Table.Td colSpan={5}>
                            <CampaignPlans campaign={campaign} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('planning.campaigns.add')} size="lg">
        {creating && (
          <CampaignForm
            provinceCode={provinceCode}
            onCancel={() => setCreating(false)}
            onDone={(campaign) => {
              setCreating(false);
              setNotice(t('planning.campaigns.created', { name: campaign.name }));
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}

/** A campaign's plans, newest first: status, deadline met or not, expected finish, when made and published, and a link to each. */
function CampaignPlans({ campaign }: { campaign: CampaignSummary }) {
  const { t } = useTranslation();
  const plans = useCampaignPlans(campaign.id);
  if (plans.isError) return <ErrorAlert error={plans.error} onRetry={() => void plans.refetch()} />;
  if (plans.isPending) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (plans.data.length === 0)
    return (
      <Text size="sm" c="dimmed" role="status">
        {t('planning.campaigns.plansTable.none')}
      </Text>
    );
  return (
    <Table verticalSpacing={4} aria-label={t('planning.campaigns.plansTable.label', { name: campaign.name })}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('planning.campaigns.plansTable.created')}</Table.Th>
          <Table.Th scope="col">{t('planning.campaigns.plansTable.status')}</Table.Th>
          <Table.Th scope="col">{t('planning.campaigns.plansTable.feasibility')}</Table.Th>
          <Table.Th scope="col">{t('planning.campaigns.plansTable.finish')}</Table.Th>
          <Table.Th scope="col">{t('planning.campaigns.plansTable.published')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {plans.data.map((p) => (
          <Table.Tr key={p.id} data-plan-id={p.id}>
            <Table.Th scope="row" fw={500}>
              <Anchor component={Link} href={`/planning/plans/${p.id}`} size="sm" aria-label={t('planning.campaigns.plansTable.open', { at: formatDateTime(p.createdAt), status: t(PLAN_STATUS_KEYS[p.status]) })}>
                {formatDateTime(p.createdAt)}
              </Anchor>
            </Table.Th>
            <Table.Td>
              <Badge color={PLAN_STATUS_COLORS[p.status]} variant="light" tt="none">
                {t(PLAN_STATUS_KEYS[p.status])}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c={p.feasible ? 'green.8' : 'red.8'}>
                {p.feasible ? t('planning.campaigns.plansTable.feasible') : t('planning.campaigns.plansTable.infeasible')}
              </Text>
            </Table.Td>
            <Table.Td>{p.finishDate ? formatDate(p.finishDate) : '—'}</Table.Td>
            <Table.Td>{p.publishedAt ? formatDateTime(p.publishedAt) : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface CampaignValues {
  name: string;
  startDate: string;
  deadline: string;
  holidays: string;
}

const FIELDS = ['name', 'organisationId', 'startDate', 'deadline', 'holidays'];

function CampaignForm({ provinceCode, onCancel, onDone }: { provinceCode: string | undefined; onCancel: () => void; onDone: (campaign: Campaign) => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const create = useCreateCampaign();
  // the account's own committee is the usual choice
  const own = useOrganisation(user.scope.organisationId);
  const [picked, setPicked] = useState<OrgChoice | null | undefined>(undefined);
  const committee = picked !== undefined ? picked : own.data && isCampaignUnit(own.data) ? { id: own.data.id, name: own.data.name } : null;
  const [committeeError, setCommitteeError] = useState<string | null>(null);

  const form = useForm<CampaignValues>({
    mode: 'controlled',
    initialValues: { name: '', startDate: '', deadline: '', holidays: '' },
    validate: (values) => {
      const errors: Record<string, string> = {};
      if (values.name.trim() === '') errors.name = t('planning.errors.campaignNameRequired');
      const start = typedDay(values.startDate);
      const deadline = typedDay(values.deadline);
      if (!start) errors.startDate = t('planning.errors.date');
      if (!deadline) errors.deadline = t('planning.errors.date');
      else if (start && deadline < start) errors.deadline = t('planning.errors.deadlineBeforeStart');
      const holidays = parseDateList(values.holidays);
      if (holidays.invalid.length > 0) errors.holidays = t('planning.errors.holidays', { text: holidays.invalid.join(', ') });
      return errors;
    },
  });

  const submit = form.onSubmit(
    (values) => {
      if (!committee) {
        setCommitteeError(t('planning.errors.committeeRequired'));
        document.querySelector<HTMLElement>('[data-path="organisationId"] button')?.focus();
        return;
      }
      const holidays = parseDateList(values.holidays).dates;
      create.mutate(
        {
          name: values.name.trim(),
          organisationId: committee.id,
          // used only for a central-level committee: its members come to this province's points
          ...(provinceCode ? { provinceCode } : {}),
          startDate: typedDay(values.startDate)!,
          deadline: typedDay(values.deadline)!,
          ...(holidays.length > 0 ? { holidays } : {}),
        },
        {
          onSuccess: onDone,
          onError: (error) => {
            const messages = fieldMessages(error, campaignIssueField);
            if (messages.organisationId) setCommitteeError(messages.organisationId);
            if (messages.provinceCode) setCommitteeError(messages.provinceCode);
            const errors = Object.fromEntries(Object.entries(messages).filter(([field]) => FIELDS.includes(field) && field !== 'organisationId'));
            form.setErrors(errors);
            focusFirstError(FIELDS.filter((field) => field in errors));
          },
        },
      );
    },
    (errors) => focusFirstError(FIELDS.filter((field) => field in errors)),
  );

  return (
    <form onSubmit={submit} noValidate aria-label={t('planning.campaigns.add')}>
      <Stack gap="sm">
        {create.error ? <ErrorAlert error={create.error} knownFields={['name', 'organisationId', 'provinceCode', 'start', 'startDate', 'deadline', 'holidays']} /> : null}
        <TextInput label={t('planning.campaignForm.name')} placeholder={t('planning.campaignForm.namePlaceholder')} withAsterisk data-autofocus {...form.getInputProps('name')} />
        <div data-path="organisationId">
          <OrgPicker
            label={t('planning.campaignForm.committee')}
            description={t('planning.campaignForm.committeeHelp')}
            value={committee}
            onChange={(value) => {
              setPicked(value);
              setCommitteeError(null);
            }}
            accept={isCampaignUnit}
            required
            error={committeeError}
          />
        </div>
        <Group grow align="flex-start">
          <TextInput label={t('planning.campaignForm.start')} placeholder="dd/mm/yyyy" withAsterisk {...form.getInputProps('startDate')} />
          <TextInput label={t('planning.campaignForm.deadline')} placeholder="dd/mm/yyyy" withAsterisk {...form.getInputProps('deadline')} />
        </Group>
        <TextInput
          label={t('planning.campaignForm.holidays')}
          description={t('planning.campaignForm.holidaysHelp')}
          placeholder="01/01/2027, 16/02/2027"
          {...form.getInputProps('holidays')}
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('planning.campaignForm.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
