import { Alert, Button, Group, Loader, Modal, Paper, Radio, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { todayInVietnam } from '../../common/dates.ts';
import { addDays, settingsOn } from '../../scheduling/domain/slots.ts';
import { ApiError } from '../api.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldMessages, focusFirstError } from '../common/errors.ts';
import { formatDate, formatNumber } from '../format.ts';
import { OPERATORS, type PointRow, type PointSettings, type ShiftSpec } from './api.ts';
import { shiftCapacities } from './calendar.ts';
import { CapacityFields, usePointForm } from './CapacityFields.tsx';
import { capacityBody, capacityErrors, capacityValuesOf, OPERATOR_KEYS, pointIssueField, SHIFT_LABEL_KEYS, typedDay, WEEKDAY_KEYS, weekdayRuns } from './labels.ts';
import { useChangeCapacity, useCloseDay, useCommunes, useCreatePoint, usePoints } from './queries.ts';

/** Open days as officers write them: T2–T6, T7, CN. */
export function WeekdaysText({ days }: { days: readonly number[] }) {
  const { t } = useTranslation();
  const runs = weekdayRuns(days);
  if (runs.length === 0) return <>{t('planning.points.noDays')}</>;
  return <>{runs.map((run) => (run.length > 1 ? `${t(WEEKDAY_KEYS[run[0]!]!)}–${t(WEEKDAY_KEYS[run[run.length - 1]!]!)}` : t(WEEKDAY_KEYS[run[0]!]!))).join(', ')}</>;
}

function SettingsSummary({ settings }: { settings: PointSettings }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      {shiftCapacities(settings).map(({ shift, capacity }) => (
        <Text key={shift.key} size="sm" style={{ whiteSpace: 'nowrap' }}>
          {t('planning.points.shiftLine', { shift: t(SHIFT_LABEL_KEYS[shift.key]), start: shift.start, end: shift.end, places: formatNumber(capacity) })}
        </Text>
      ))}
    </Stack>
  );
}

const upcomingOf = (point: PointRow, today: string) => point.settings.filter((s) => s.from > today);

/** Điểm tiếp nhận of a province: the list with the capacity in force today (and changes to come), adding a point, changing capacity, closing a day. */
export function PointsPanel({ provinceCode, canPlan }: { provinceCode: string | undefined; canPlan: boolean }) {
  const { t } = useTranslation();
  const points = usePoints(provinceCode);
  const communes = useCommunes(provinceCode);
  const communeName = (code: string) => communes.data?.find((c) => c.code === code)?.name ?? code;
  const [creating, setCreating] = useState(false);
  const [changing, setChanging] = useState<PointRow | null>(null);
  const [closing, setClosing] = useState<PointRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const today = todayInVietnam();

  return (
    <Stack gap="sm" component="section" aria-labelledby="planning-points">
      <Group justify="space-between">
        <Title order={2} size="h4" id="planning-points">
          {t('planning.points.title')}
        </Title>
        {canPlan && (
          <Button
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
            disabled={!provinceCode}
          >
            {t('planning.points.add')}
          </Button>
        )}
      </Group>
      {notice && (
        <Alert color="green" variant="light" role="status">
          {notice}
        </Alert>
      )}
      {points.isError && <ErrorAlert error={points.error} onRetry={() => void points.refetch()} />}
      {points.isPending && !points.isError && <Loader aria-label={t('common.loading')} />}
      {points.data && (
        <Paper withBorder p="xs">
          {points.data.length === 0 ? (
            <Text p="md" c="dimmed" role="status">
              {t('planning.points.none')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={1000}>
              <Table striped verticalSpacing={6} aria-label={t('planning.points.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('planning.points.columns.name')}</Table.Th>
                    <Table.Th scope="col">{t('planning.points.columns.commune')}</Table.Th>
                    <Table.Th scope="col">{t('planning.points.columns.operator')}</Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('planning.points.columns.kits')}
                    </Table.Th>
                    <Table.Th scope="col">{t('planning.points.columns.shifts')}</Table.Th>
                    <Table.Th scope="col">{t('planning.points.columns.days')}</Table.Th>
                    <Table.Th scope="col">{t('planning.points.columns.changes')}</Table.Th>
                    {canPlan && <Table.Th scope="col">{t('common.actions')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {points.data.map((point) => {
                    const current = settingsOn(point, today);
                    const upcoming = upcomingOf(point, today);
                    const closures = point.closedOn.filter((day) => day >= today);
                    return (
                      <Table.Tr key={point.id} data-point-id={point.id}>
                        <Table.Th scope="row" fw={500}>
                          <Text size="sm" fw={600}>
                            {point.name}
                          </Text>
                          {point.address && (
                            <Text size="xs" c="dimmed">
                              {point.address}
                            </Text>
                          )}
                        </Table.Th>
                        <Table.Td>{communeName(point.communeCode)}</Table.Td>
                        <Table.Td>
                          <Text size="sm" c={point.operator === 'provincial' ? 'grape.8' : undefined} style={{ whiteSpace: 'nowrap' }}>
                            {t(OPERATOR_KEYS[point.operator])}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right">{current ? formatNumber(current.kits) : ''}</Table.Td>
                        <Table.Td>{current && <SettingsSummary settings={current} />}</Table.Td>
                        <Table.Td>{current && <WeekdaysText days={current.openWeekdays} />}</Table.Td>
                        <Table.Td>
                          <Stack gap={2}>
                            {upcoming.map((s) => (
                              <Text key={s.from} size="sm">
                                {t('planning.points.upcoming', { date: formatDate(s.from), kits: formatNumber(s.kits) })}{' '}
                                {s.shifts.map((shift) => `${t(SHIFT_LABEL_KEYS[shift.key])} ${shift.start}–${shift.end}`).join(', ')}
                                {'; '}
                                <WeekdaysText days={s.openWeekdays} />
                              </Text>
                            ))}
                            {closures.length > 0 && (
                              <Text size="sm">{t('planning.points.closedOn', { dates: closures.map(formatDate).join(', ') })}</Text>
                            )}
                          </Stack>
                        </Table.Td>
                        {canPlan && (
                          <Table.Td>
                            <Group gap={4} wrap="nowrap">
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={t('planning.points.changeCapacityOf', { name: point.name })}
                                onClick={() => {
                                  setNotice(null);
                                  setChanging(point);
                                }}
                              >
                                {t('planning.points.changeCapacity')}
                              </Button>
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={t('planning.points.closeDayOf', { name: point.name })}
                                onClick={() => {
                                  setNotice(null);
                                  setClosing(point);
                                }}
                              >
                                {t('planning.points.closeDay')}
                              </Button>
                            </Group>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}

      <Modal opened={creating} onClose={() => setCreating(false)} title={t('planning.points.add')} size="xl">
        {creating && provinceCode && (
          <CreatePointForm
            provinceCode={provinceCode}
            onCancel={() => setCreating(false)}
            onDone={(point) => {
              setCreating(false);
              setNotice(t('planning.points.created', { name: point.name }));
            }}
          />
        )}
      </Modal>
      <Modal opened={changing !== null} onClose={() => setChanging(null)} title={changing ? t('planning.points.changeCapacityTitle', { name: changing.name }) : ''} size="xl">
        {changing && (
          <CapacityForm
            point={changing}
            onCancel={() => setChanging(null)}
            onDone={(from) => {
              setNotice(t('planning.points.changed', { name: changing.name, date: formatDate(from) }));
              setChanging(null);
            }}
          />
        )}
      </Modal>
      <Modal opened={closing !== null} onClose={() => setClosing(null)} title={closing ? t('planning.points.closeDayTitle', { name: closing.name }) : ''}>
        {closing && (
          <CloseDayForm
            point={closing}
            onCancel={() => setClosing(null)}
            onDone={(date) => {
              setNotice(t('planning.points.closed', { name: closing.name, date: formatDate(date) }));
              setClosing(null);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}

const CREATE_FIELDS = ['name', 'communeCode', 'address', 'operator', 'kits', 'recordsPerKitHour', 'shifts', 'shifts.morning.start', 'shifts.morning.end', 'shifts.afternoon.start', 'shifts.afternoon.end', 'shifts.evening.start', 'shifts.evening.end', 'openWeekdays'];
const CAPACITY_FIELDS = ['from', ...CREATE_FIELDS.slice(4)];

/** Server issues on the form's fields: the shift an issue names is found among the shifts that were sent. */
function serverErrors(error: unknown, sent: readonly ShiftSpec[], known: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldMessages(error, (field) => pointIssueField(field, sent))).filter(([field]) => known.includes(field)));
}

function translated(t: (key: string) => string, keys: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, t(key)]));
}

function CreatePointForm({ provinceCode, onCancel, onDone }: { provinceCode: string; onCancel: () => void; onDone: (point: PointRow) => void }) {
  const { t } = useTranslation();
  const communes = useCommunes(provinceCode);
  const create = useCreatePoint();
  const form = usePointForm({ name: '', communeCode: '', address: '', operator: 'commune', from: '', ...capacityValuesOf() }, (values) => {
    const errors = translated(t, capacityErrors(values));
    if (values.name.trim() === '') errors.name = t('planning.errors.nameRequired');
    if (values.communeCode === '') errors.communeCode = t('planning.errors.communeRequired');
    return errors;
  });
  const [sent, setSent] = useState<ShiftSpec[]>([]);

  const submit = form.onSubmit(
    (values) => {
      const capacity = capacityBody(values);
      setSent(capacity.shifts);
      create.mutate(
        { name: values.name.trim(), communeCode: values.communeCode, address: values.address.trim() || null, operator: values.operator, ...capacity },
        {
          onSuccess: onDone,
          onError: (error) => {
            const messages = serverErrors(error, capacity.shifts, CREATE_FIELDS);
            form.setErrors(messages);
            focusFirstError(CREATE_FIELDS.filter((field) => field in messages));
          },
        },
      );
    },
    (errors) => focusFirstError(CREATE_FIELDS.filter((field) => field in errors)),
  );

  return (
    <form onSubmit={submit} noValidate aria-label={t('planning.points.add')}>
      <Stack gap="sm">
        {create.error ? <ErrorAlert error={create.error} knownFields={knownIssueFields(create.error, sent, CREATE_FIELDS)} /> : null}
        <TextInput label={t('planning.pointForm.name')} placeholder={t('planning.pointForm.namePlaceholder')} withAsterisk data-autofocus {...form.getInputProps('name')} />
        <Group grow align="flex-start">
          <Select
            label={t('planning.pointForm.commune')}
            searchable
            withAsterisk
            nothingFoundMessage={t('common.nothingFound')}
            data={(communes.data ?? []).map((commune) => ({ value: commune.code, label: commune.name }))}
            {...form.getInputProps('communeCode')}
            value={form.values.communeCode || null}
            onChange={(value) => form.setFieldValue('communeCode', value ?? '')}
          />
          <TextInput label={t('planning.pointForm.address')} {...form.getInputProps('address')} />
        </Group>
        <Radio.Group label={t('planning.pointForm.operator')} withAsterisk {...form.getInputProps('operator')}>
          <Group gap="lg" mt={6}>
            {OPERATORS.map((operator) => (
              <Radio key={operator} value={operator} label={t(OPERATOR_KEYS[operator])} />
            ))}
          </Group>
        </Radio.Group>
        <Text size="xs" c="dimmed">
          {t('planning.pointForm.operatorHelp')}
        </Text>
        <CapacityFields form={form} />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('planning.pointForm.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Server fields whose issues show under their own inputs (the alert does not repeat them). */
function knownIssueFields(error: unknown, sent: readonly ShiftSpec[], known: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues.map((issue) => issue.field).filter((field): field is string => !!field && known.includes(pointIssueField(field, sent) ?? ''));
}

function CapacityForm({ point, onCancel, onDone }: { point: PointRow; onCancel: () => void; onDone: (from: string) => void }) {
  const { t } = useTranslation();
  const change = useChangeCapacity(point.id);
  const tomorrow = addDays(todayInVietnam(), 1);
  // the latest entry: what the point will work with from now on
  const latest = point.settings[point.settings.length - 1];
  const form = usePointForm(
    { name: point.name, communeCode: point.communeCode, address: '', operator: point.operator, from: formatDate(tomorrow), ...capacityValuesOf(latest) },
    (values) => {
      const errors = translated(t, capacityErrors(values));
      const from = typedDay(values.from);
      if (!from) errors.from = t('planning.errors.date');
      else if (from < tomorrow) errors.from = t('planning.errors.notFuture');
      return errors;
    },
  );
  const [sent, setSent] = useState<ShiftSpec[]>([]);

  const submit = form.onSubmit(
    (values) => {
      const from = typedDay(values.from)!;
      const capacity = capacityBody(values);
      setSent(capacity.shifts);
      change.mutate(
        { from, ...capacity },
        {
          onSuccess: () => onDone(from),
          onError: (error) => {
            const messages = serverErrors(error, capacity.shifts, CAPACITY_FIELDS);
            form.setErrors(messages);
            focusFirstError(CAPACITY_FIELDS.filter((field) => field in messages));
          },
        },
      );
    },
    (errors) => focusFirstError(CAPACITY_FIELDS.filter((field) => field in errors)),
  );

  return (
    <form onSubmit={submit} noValidate aria-label={t('planning.points.changeCapacityTitle', { name: point.name })}>
      <Stack gap="sm">
        {change.error ? <ErrorAlert error={change.error} knownFields={knownIssueFields(change.error, sent, CAPACITY_FIELDS)} /> : null}
        <TextInput
          label={t('planning.pointForm.from')}
          description={t('planning.pointForm.fromHelp')}
          placeholder="dd/mm/yyyy"
          withAsterisk
          w={220}
          data-autofocus
          {...form.getInputProps('from')}
        />
        <CapacityFields form={form} />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={change.isPending}>
            {t('planning.pointForm.saveCapacity')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CloseDayForm({ point, onCancel, onDone }: { point: PointRow; onCancel: () => void; onDone: (date: string) => void }) {
  const { t } = useTranslation();
  const close = useCloseDay(point.id);
  const form = useForm<{ date: string }>({
    mode: 'controlled',
    initialValues: { date: '' },
    validate: { date: (value) => (typedDay(value) ? null : t('planning.errors.date')) },
  });
  const submit = form.onSubmit(
    (values) => {
      const date = typedDay(values.date)!;
      close.mutate(date, {
        onSuccess: () => onDone(date),
        onError: (error) => {
          const messages = fieldMessages(error, (field) => (field.replace(/^\//, '') === 'date' ? 'date' : undefined));
          form.setErrors(messages);
          focusFirstError(Object.keys(messages));
        },
      });
    },
    () => focusFirstError(['date']),
  );
  return (
    <form onSubmit={submit} noValidate aria-label={t('planning.points.closeDayTitle', { name: point.name })}>
      <Stack gap="sm">
        {close.error ? <ErrorAlert error={close.error} knownFields={['date', '/date']} /> : null}
        <Text size="sm">{t('planning.points.closeDayHelp')}</Text>
        <TextInput label={t('planning.pointForm.closedDate')} placeholder="dd/mm/yyyy" withAsterisk w={220} data-autofocus {...form.getInputProps('date')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={close.isPending}>
            {t('planning.points.closeDaySubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
