import { Alert, Badge, Box, Button, Group, Modal, Paper, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMemo, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dayNumber, weekdayOfDayNumber } from '../../scheduling/domain/slots.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { errorMessage } from '../common/errors.ts';
import { formatDate, formatNumber } from '../format.ts';
import { scheduleUrl, type PlannedAppointment, type PlanView, type PointRow, type ShiftKey } from './api.ts';
import { moveTargets, pointCalendar, weekOfDay, weeksOf, type CalendarCell } from './calendar.ts';
import { SHIFT_LABEL_KEYS, WEEKDAY_KEYS } from './labels.ts';
import { useCellNames, useCommunes, useMarkMissed, useMoveAppointment } from './queries.ts';
import { useUrlParams } from '../common/urlParams.ts';

const DRAG_TYPE = 'application/x-doithe-appointment';

interface Props {
  plan: PlanView;
  points: readonly PointRow[];
  /** Drafts only: what was published has been announced. */
  canMove: boolean;
  /** Published plans only: "Chi bộ vắng mặt" records a cell that did not come, for the next re-plan to book again. */
  canMarkMissed: boolean;
}

const weekdayKey = (date: string) => WEEKDAY_KEYS[weekdayOfDayNumber(dayNumber(date) ?? 0)]!;
const shortDate = (date: string) => formatDate(date).slice(0, 5);

/**
 * Lịch theo điểm: one point's shifts (rows) over the campaign's days (columns, a week at a time), each shift's load
 * against its capacity and its appointments by cell. An appointment is moved by dragging it to another shift, or with
 * its "Chuyển" button (keyboard), on a draft; the server refuses a shift it would overfill and the refusal is shown here.
 * On the published plan, "Chi bộ vắng mặt" marks an appointment missed (after a confirmation).
 */
export function PlanCalendar({ plan, points, canMove, canMarkMissed }: Props) {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const communes = useCommunes(plan.campaign.provinceCode);
  const communeName = (code: string) => communes.data?.find((c) => c.code === code)?.name ?? code;

  const commune = params.get('commune') ?? '';
  const shown = useMemo(() => points.filter((p) => !commune || p.communeCode === commune), [points, commune]);
  const bookedPoints = useMemo(() => new Set(plan.appointments.map((a) => a.pointId)), [plan.appointments]);
  const pointParam = params.get('point');
  const point = shown.find((p) => p.id === pointParam) ?? shown.find((p) => bookedPoints.has(p.id)) ?? shown[0];


  const communeOptions = [...new Set(points.map((p) => p.communeCode))].map((code) => ({ value: code, label: communeName(code) }));

  return (
    <Stack gap="sm" component="section" aria-labelledby="plan-calendar">
      <Title order={2} size="h4" id="plan-calendar">
        {t('planning.calendar.title')}
      </Title>
      <Paper withBorder p="md">
        <Group align="flex-end" gap="md">
          <Select
            label={t('planning.calendar.commune')}
            data={[{ value: '', label: t('planning.calendar.anyCommune') }, ...communeOptions]}
            value={commune}
            onChange={(value) => update({ commune: value ?? undefined, point: undefined })}
            allowDeselect={false}
            searchable
            nothingFoundMessage={t('common.nothingFound')}
            w={260}
          />
          <Select
            label={t('planning.calendar.point')}
            data={shown.map((p) => ({ value: p.id, label: bookedPoints.has(p.id) ? p.name : t('planning.calendar.pointNoBooking', { name: p.name }) }))}
            value={point?.id ?? null}
            onChange={(value) => update({ point: value ?? undefined })}
            allowDeselect={false}
            searchable
            nothingFoundMessage={t('common.nothingFound')}
            w={340}
          />
        </Group>
      </Paper>
      {!point ? (
        <Text c="dimmed" role="status">
          {t('planning.calendar.noPoints')}
        </Text>
      ) : (
        <PointSchedule key={point.id} plan={plan} point={point} points={points} canMove={canMove} canMarkMissed={canMarkMissed} communeName={communeName(point.communeCode)} />
      )}
    </Stack>
  );
}

function PointSchedule({ plan, point, points, canMove, canMarkMissed, communeName }: Props & { point: PointRow; communeName: string }) {
  const { t } = useTranslation();
  const calendar = useMemo(() => pointCalendar(plan, point), [plan, point]);
  const weeks = useMemo(() => weeksOf(calendar.days), [calendar.days]);
  const [week, setWeek] = useState(() => weekOfDay(weeks, calendar.bookedDays[0]));
  const days = weeks[Math.min(week, weeks.length - 1)] ?? [];
  const visible = plan.appointments.filter((a) => a.pointId === point.id && days.includes(a.date));
  const names = useCellNames(visible.map((a) => a.cellId), plan.cells);
  const move = useMoveAppointment();
  const [dragging, setDragging] = useState<PlannedAppointment | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [moving, setMoving] = useState<PlannedAppointment | null>(null);
  const markMissed = useMarkMissed();
  const [absent, setAbsent] = useState<PlannedAppointment | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const cellName = (cellId: string) => names.get(cellId)?.name ?? t('planning.calendar.cellN', { id: cellId });

  const describe = (to: { pointId: string; date: string; shift: ShiftKey }) =>
    t('planning.calendar.slotName', {
      shift: t(SHIFT_LABEL_KEYS[to.shift]),
      weekday: t(weekdayKey(to.date)),
      date: formatDate(to.date),
      point: points.find((p) => p.id === to.pointId)?.name ?? '',
    });

  const send = (appointment: PlannedAppointment, to: { pointId: string; date: string; shift: ShiftKey }, after?: () => void) => {
    if (appointment.pointId === to.pointId && appointment.date === to.date && appointment.shift === to.shift) return;
    setResult(null);
    move.mutate(
      { id: appointment.id, to },
      {
        onSuccess: () => {
          setResult({ ok: true, text: t('planning.calendar.moved', { cell: cellName(appointment.cellId), to: describe(to) }) });
          after?.();
        },
        onError: (error) => setResult({ ok: false, text: errorMessage(t, error) }),
      },
    );
  };

  const confirmMissed = (appointment: PlannedAppointment) => {
    setResult(null);
    markMissed.mutate(appointment.id, {
      onSuccess: () => {
        setAbsent(null);
        setResult({ ok: true, text: t('planning.missed.done', { cell: cellName(appointment.cellId) }) });
      },
    });
  };

  const dropProps = (cell: CalendarCell) => {
    const key = `${cell.date}|${cell.shift}`;
    if (!canMove || cell.capacity === null) return {};
    return {
      onDragOver: (event: DragEvent) => {
        if (!dragging && !event.dataTransfer.types.includes(DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        if (over !== key) setOver(key);
      },
      onDragLeave: () => setOver((current) => (current === key ? null : current)),
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        setOver(null);
        const id = event.dataTransfer.getData(DRAG_TYPE) || dragging?.id;
        const appointment = plan.appointments.find((a) => a.id === id);
        setDragging(null);
        if (appointment && !appointment.locked) send(appointment, { pointId: point.id, date: cell.date, shift: cell.shift });
      },
    };
  };

  return (
    <Stack gap="sm">
      <Downloads plan={plan} point={point} days={calendar.bookedDays} />
      {canMove && (
        <Text size="xs" c="dimmed">
          {t('planning.calendar.dragHint')}
        </Text>
      )}
      <Box aria-live="polite">
        {result && (
          <Alert
            color={result.ok ? 'green' : 'red'}
            variant="light"
            role={result.ok ? 'status' : 'alert'}
            title={result.ok ? undefined : t('planning.calendar.refused')}
            withCloseButton
            closeButtonLabel={t('planning.plan.dismiss')}
            onClose={() => setResult(null)}
            data-testid="move-result"
          >
            {result.text}
          </Alert>
        )}
      </Box>
      {weeks.length > 1 && (
        <Group gap="sm">
          <Button size="xs" variant="default" disabled={week === 0} onClick={() => setWeek(week - 1)}>
            {t('planning.calendar.previousWeek')}
          </Button>
          <Text size="sm" aria-live="polite">
            {t('planning.calendar.weekOf', { from: formatDate(days[0]), to: formatDate(days[days.length - 1]), n: week + 1, total: weeks.length })}
          </Text>
          <Button size="xs" variant="default" disabled={week >= weeks.length - 1} onClick={() => setWeek(week + 1)}>
            {t('planning.calendar.nextWeek')}
          </Button>
        </Group>
      )}
      <Paper withBorder p="xs">
        {calendar.shifts.length === 0 ? (
          <Text p="md" c="dimmed">
            {t('planning.calendar.noShifts')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={Math.max(600, 120 + days.length * 150)}>
            <Table withColumnBorders verticalSpacing={4} aria-label={t('planning.calendar.tableLabel', { point: point.name, commune: communeName })} style={{ tableLayout: 'fixed' }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col" w={120}>
                    {t('planning.calendar.shift')}
                  </Table.Th>
                  {days.map((day) => (
                    <Table.Th scope="col" key={day} data-date={day}>
                      {t(weekdayKey(day))} {shortDate(day)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {calendar.shifts.map((shift) => (
                  <Table.Tr key={shift}>
                    <Table.Th scope="row">{t(SHIFT_LABEL_KEYS[shift])}</Table.Th>
                    {days.map((day) => {
                      const cell = calendar.cell(day, shift);
                      const key = `${day}|${shift}`;
                      const full = cell.capacity !== null && cell.load > cell.capacity;
                      return (
                        <Table.Td
                          key={day}
                          data-slot={key}
                          data-testid="calendar-slot"
                          valign="top"
                          bg={cell.capacity === null ? 'gray.1' : over === key ? 'blue.0' : undefined}
                          style={over === key ? { outline: '2px dashed var(--mantine-color-blue-6)', outlineOffset: -2 } : undefined}
                          {...dropProps(cell)}
                        >
                          <Stack gap={4}>
                            {cell.capacity === null ? (
                              <Text size="xs" c="dimmed">
                                {t('planning.calendar.closed')}
                              </Text>
                            ) : (
                              <Group gap={4} justify="space-between" wrap="nowrap">
                                <Text size="xs" c="dimmed">
                                  {cell.hours ? `${cell.hours.start}–${cell.hours.end}` : ''}
                                </Text>
                                <Text size="xs" fw={600} c={full ? 'red.8' : cell.load === cell.capacity ? 'orange.8' : undefined} data-testid="slot-load">
                                  <span aria-hidden="true">
                                    {formatNumber(cell.load)}/{formatNumber(cell.capacity)}
                                  </span>
                                  <VisuallyHidden>{t('planning.calendar.load', { load: formatNumber(cell.load), capacity: formatNumber(cell.capacity) })}</VisuallyHidden>
                                </Text>
                              </Group>
                            )}
                            {cell.appointments.map((appointment) => (
                              <AppointmentBlock
                                key={appointment.id}
                                appointment={appointment}
                                name={cellName(appointment.cellId)}
                                committee={names.get(appointment.cellId)?.committee ?? null}
                                canMove={canMove && !move.isPending}
                                canMarkMissed={canMarkMissed}
                                onDragStart={(event) => {
                                  event.dataTransfer.setData(DRAG_TYPE, appointment.id);
                                  event.dataTransfer.setData('text/plain', cellName(appointment.cellId));
                                  event.dataTransfer.effectAllowed = 'move';
                                  setDragging(appointment);
                                }}
                                onDragEnd={() => {
                                  setDragging(null);
                                  setOver(null);
                                }}
                                onMove={() => {
                                  setResult(null);
                                  move.reset();
                                  setMoving(appointment);
                                }}
                                onMissed={() => {
                                  markMissed.reset();
                                  setAbsent(appointment);
                                }}
                              />
                            ))}
                          </Stack>
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Modal opened={moving !== null} onClose={() => setMoving(null)} title={moving ? t('planning.move.title', { cell: cellName(moving.cellId) }) : ''}>
        {moving && (
          <MoveForm
            plan={plan}
            appointment={moving}
            points={points}
            cellName={cellName(moving.cellId)}
            pending={move.isPending}
            error={move.error}
            onCancel={() => setMoving(null)}
            onMove={(to) => send(moving, to, () => setMoving(null))}
          />
        )}
      </Modal>
      <Modal opened={absent !== null} onClose={() => setAbsent(null)} title={t('planning.missed.title')}>
        {absent && (
          <Stack gap="md">
            <Text size="sm">
              {t('planning.missed.confirm', { cell: cellName(absent.cellId), slot: describe(absent), members: formatNumber(absent.members), count: absent.members })}
            </Text>
            {markMissed.error ? <ErrorAlert error={markMissed.error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAbsent(null)}>
                {t('common.cancel')}
              </Button>
              <Button color="red" loading={markMissed.isPending} onClick={() => confirmMissed(absent)}>
                {t('planning.missed.submit')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

interface BlockProps {
  appointment: PlannedAppointment;
  name: string;
  committee: string | null;
  canMove: boolean;
  canMarkMissed: boolean;
  onDragStart: (event: DragEvent<HTMLDivElement>) => void;
  onDragEnd: () => void;
  onMove: () => void;
  onMissed: () => void;
}

/**
 * One cell's appointment: its name and members; on a draft, dragged to move it (not when locked) or moved with "Chuyển";
 * on the published plan, "Chi bộ vắng mặt" when the cell did not come. A missed one is marked as such.
 */
function AppointmentBlock({ appointment, name, committee, canMove, canMarkMissed, onDragStart, onDragEnd, onMove, onMissed }: BlockProps) {
  const { t } = useTranslation();
  const movable = canMove && !appointment.locked && !appointment.missed;
  return (
    <Paper
      withBorder
      p={6}
      radius="sm"
      bg={appointment.missed ? 'red.0' : appointment.locked ? 'gray.0' : 'blue.0'}
      draggable={movable}
      onDragStart={movable ? onDragStart : undefined}
      onDragEnd={movable ? onDragEnd : undefined}
      style={{ cursor: movable ? 'grab' : 'default' }}
      title={committee ? `${name} · ${committee}` : name}
      data-testid="appointment"
      data-appointment-id={appointment.id}
      data-locked={appointment.locked || undefined}
      data-missed={appointment.missed || undefined}
    >
      <Text size="xs" fw={600} lh={1.25}>
        {name}
      </Text>
      <Group gap={4} justify="space-between" wrap="nowrap">
        <Text size="xs">{t('planning.calendar.members', { count: appointment.members, members: formatNumber(appointment.members) })}</Text>
        {appointment.missed ? (
          <Badge size="xs" color="red" variant="outline" tt="none" data-testid="appointment-missed">
            {t('planning.calendar.missed')}
          </Badge>
        ) : appointment.locked ? (
          <Badge size="xs" color="gray" variant="outline" tt="none">
            {t('planning.calendar.locked')}
          </Badge>
        ) : (
          movable && (
            <Button size="compact-xs" variant="subtle" onClick={onMove} aria-label={t('planning.calendar.moveNamed', { cell: name })}>
              {t('planning.calendar.move')}
            </Button>
          )
        )}
      </Group>
      {canMarkMissed && !appointment.missed && (
        <Button size="compact-xs" variant="subtle" color="red" mt={2} onClick={onMissed} aria-label={t('planning.calendar.missedNamed', { cell: name })}>
          {t('planning.calendar.markMissed')}
        </Button>
      )}
    </Paper>
  );
}

interface MoveFormProps {
  plan: PlanView;
  appointment: PlannedAppointment;
  points: readonly PointRow[];
  cellName: string;
  pending: boolean;
  error: unknown;
  onCancel: () => void;
  onMove: (to: { pointId: string; date: string; shift: ShiftKey }) => void;
}

/** The keyboard way to move an appointment: a point, a day and a shift, each shift with the places it has left. */
function MoveForm({ plan, appointment, points, cellName, pending, error, onCancel, onMove }: MoveFormProps) {
  const { t } = useTranslation();
  const [pointId, setPointId] = useState(appointment.pointId);
  const point = points.find((p) => p.id === pointId);
  const targets = useMemo(() => (point ? moveTargets(plan, point, appointment.id) : []), [plan, point, appointment.id]);
  const dates = [...new Set(targets.map((target) => target.date))];
  const [pickedDate, setDate] = useState(appointment.date);
  // another point may not work the day or the shift chosen so far: fall back to its first open one
  const date = dates.includes(pickedDate) ? pickedDate : (dates[0] ?? pickedDate);
  const dayTargets = targets.filter((target) => target.date === date);
  const [pickedShift, setShift] = useState<ShiftKey | null>(appointment.shift);
  const shift = dayTargets.some((target) => target.shift === pickedShift) ? pickedShift : (dayTargets[0]?.shift ?? null);
  const unchanged = pointId === appointment.pointId && date === appointment.date && shift === appointment.shift;

  return (
    <form
      noValidate
      aria-label={t('planning.move.title', { cell: cellName })}
      onSubmit={(event) => {
        event.preventDefault();
        if (shift && !unchanged) onMove({ pointId, date, shift });
      }}
    >
      <Stack gap="sm">
        <Text size="sm">{t('planning.move.help', { members: formatNumber(appointment.members), count: appointment.members })}</Text>
        {error ? <ErrorAlert error={error} title={t('planning.calendar.refused')} /> : null}
        <Select
          label={t('planning.calendar.point')}
          data={points.map((p) => ({ value: p.id, label: p.name }))}
          value={pointId}
          onChange={(value) => value && setPointId(value)}
          allowDeselect={false}
          searchable
          data-autofocus
        />
        <Select
          label={t('planning.move.date')}
          data={dates.map((d) => ({ value: d, label: `${t(weekdayKey(d))} ${formatDate(d)}` }))}
          value={dates.includes(date) ? date : null}
          onChange={(value) => value && setDate(value)}
          allowDeselect={false}
          searchable
          nothingFoundMessage={t('common.nothingFound')}
        />
        <Select
          label={t('planning.move.shift')}
          data={dayTargets.map((target) => ({
            value: target.shift,
            label: t('planning.move.shiftOption', {
              shift: t(SHIFT_LABEL_KEYS[target.shift]),
              start: target.hours?.start ?? '',
              end: target.hours?.end ?? '',
              free: formatNumber(target.free),
              capacity: formatNumber(target.capacity),
            }),
          }))}
          value={shift}
          onChange={(value) => setShift(value as ShiftKey | null)}
          allowDeselect={false}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={pending} disabled={!shift || unchanged}>
            {t('planning.move.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Tải lịch": a point's schedule for one day, as a spreadsheet or a printable PDF. */
function Downloads({ plan, point, days }: { plan: PlanView; point: PointRow; days: readonly string[] }) {
  const { t } = useTranslation();
  const [day, setDay] = useState<string | null>(days[0] ?? null);
  const chosen = day && days.includes(day) ? day : (days[0] ?? null);
  return (
    <Paper withBorder p="sm" component="section" aria-label={t('planning.downloads.label', { point: point.name })}>
      {days.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('planning.downloads.none')}
        </Text>
      ) : (
        <Group align="flex-end" gap="sm">
          <Select
            label={t('planning.downloads.day')}
            data={days.map((d) => ({ value: d, label: `${t(weekdayKey(d))} ${formatDate(d)}` }))}
            value={chosen}
            onChange={setDay}
            allowDeselect={false}
            w={200}
          />
          {chosen && (
            <>
              <Button component="a" href={scheduleUrl(plan.id, point.id, 'xlsx', chosen)} download variant="default">
                {t('planning.downloads.xlsx')}
              </Button>
              <Button component="a" href={scheduleUrl(plan.id, point.id, 'pdf', chosen)} download variant="default">
                {t('planning.downloads.pdf')}
              </Button>
            </>
          )}
        </Group>
      )}
    </Paper>
  );
}
