import { describe, expect, it } from 'vitest';
import { can } from '../../platform/permissions.ts';
import type { Actor } from '../../platform/scope.ts';
import { ROLES } from '../api.ts';
import { enText, viText } from '../i18n/lookup.ts';
import { PLAN_STATUSES, type Advice } from './api.ts';
import {
  ADVICE_KEYS,
  adviceMessage,
  campaignIssueField,
  capacityBody,
  capacityErrors,
  capacityValuesOf,
  formatShare,
  normaliseTime,
  OPERATOR_KEYS,
  parseDateList,
  PLAN_STATUS_KEYS,
  pointIssueField,
  REASON_KEYS,
  SHIFT_KEYS,
  SHIFT_LABEL_KEYS,
  SHIFT_WORD_KEYS,
  WEEKDAY_KEYS,
  WEEKDAY_ORDER,
  weekdayRuns,
  type CapacityValues,
} from './labels.ts';
import { canPlan } from './permissions.ts';

/** The Vietnamese sentence, placeholders filled in as i18next does. */
const fill = (key: string, params: Record<string, string | number>) => (viText(key) ?? '').replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name]));

const CAPACITY_ERROR_KEYS = ['kits', 'rate', 'noShift', 'time', 'shiftOrder', 'overlap', 'noDay'].map((k) => `planning.errors.${k}`);

describe('planning labels', () => {
  it('name every code in both catalogues', () => {
    const maps = [OPERATOR_KEYS, SHIFT_LABEL_KEYS, SHIFT_WORD_KEYS, WEEKDAY_KEYS, PLAN_STATUS_KEYS, REASON_KEYS, ADVICE_KEYS];
    const keys = [...maps.flatMap((map) => Object.values(map)), ...CAPACITY_ERROR_KEYS];
    expect(keys.filter((key) => !viText(key) || !enText(key))).toEqual([]);
    expect(PLAN_STATUSES.map((status) => viText(PLAN_STATUS_KEYS[status]))).toEqual(['Bản nháp', 'Đã công bố', 'Đã được thay thế']);
  });

  it('speak the officers’ words', () => {
    expect(viText(OPERATOR_KEYS.provincial)).toBe('Công an tỉnh (PC06)');
    expect(viText(OPERATOR_KEYS.commune)).toBe('Công an xã');
    expect(WEEKDAY_ORDER.map((day) => viText(WEEKDAY_KEYS[day]!))).toEqual(['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
    expect(SHIFT_KEYS.map((key) => viText(SHIFT_LABEL_KEYS[key]))).toEqual(['Ca sáng', 'Ca chiều', 'Ca tối']);
  });

  it('say each advice as a plain Vietnamese sentence', () => {
    const say = (advice: Advice) => {
      const message = adviceMessage(advice, 'Công an xã Thử Một');
      return fill(message.key, { ...message.params, ...(message.shiftKey ? { shift: viText(message.shiftKey)! } : {}) });
    };
    expect(say({ kind: 'add_kits', pointId: '1', kits: 2 })).toBe('Thêm 2 bộ máy tại Công an xã Thử Một');
    expect(say({ kind: 'open_shift', pointId: '1', shift: 'evening' })).toBe('Mở ca tối tại Công an xã Thử Một');
    expect(say({ kind: 'open_weekends', pointId: '1' })).toBe('Mở cửa thứ Bảy, Chủ nhật tại Công an xã Thử Một');
  });
});

describe('weekdayRuns', () => {
  it('lists Monday first and joins runs of three or more', () => {
    expect(weekdayRuns([1, 2, 3, 4, 5])).toEqual([[1, 2, 3, 4, 5]]);
    expect(weekdayRuns([0, 1, 2, 3, 4, 5, 6])).toEqual([[1, 2, 3, 4, 5, 6, 0]]);
    expect(weekdayRuns([6, 0, 1])).toEqual([[1], [6], [0]]);
    expect(weekdayRuns([1, 3, 4, 5, 0])).toEqual([[1], [3, 4, 5], [0]]);
    expect(weekdayRuns([])).toEqual([]);
  });
});

describe('normaliseTime', () => {
  it('reads the ways officers type a time', () => {
    expect(['07:30', '7:30', '7h30', '7.30', '0730', '7', '7h', '24:00'].map(normaliseTime)).toEqual(['07:30', '07:30', '07:30', '07:30', '07:30', '07:00', '07:00', '24:00']);
    expect(['', '7:60', '25:00', '24:30', 'bảy giờ', '7:3'].map(normaliseTime)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('capacity form', () => {
  const values = (change: Partial<CapacityValues> = {}): CapacityValues => ({ ...capacityValuesOf(), ...change });

  it('starts with one kit, 12 records an hour, the usual morning and afternoon, Monday to Friday', () => {
    expect(capacityBody(values())).toEqual({
      kits: 1,
      recordsPerKitHour: 12,
      shifts: [
        { key: 'morning', start: '07:30', end: '11:30' },
        { key: 'afternoon', start: '13:30', end: '17:00' },
      ],
      openWeekdays: [1, 2, 3, 4, 5],
    });
    expect(capacityErrors(values())).toEqual({});
  });

  it('starts from a point’s settings to change them', () => {
    const current = capacityValuesOf({ from: '2026-11-22', kits: 3, recordsPerKitHour: 15, shifts: [{ key: 'evening', start: '18:00', end: '20:00' }], openWeekdays: [6, 0] });
    expect(current.kits).toBe(3);
    expect(current.shifts.evening).toEqual({ enabled: true, start: '18:00', end: '20:00' });
    expect(current.shifts.morning.enabled).toBe(false);
    expect(current.openWeekdays).toEqual(['6', '0']);
  });

  it('names each wrong field', () => {
    const shifts = capacityValuesOf().shifts;
    expect(capacityErrors(values({ kits: 0, recordsPerKitHour: 0, openWeekdays: [] }))).toEqual({
      kits: 'planning.errors.kits',
      recordsPerKitHour: 'planning.errors.rate',
      openWeekdays: 'planning.errors.noDay',
    });
    expect(capacityErrors(values({ kits: '' }))).toEqual({ kits: 'planning.errors.kits' });
    expect(capacityErrors(values({ shifts: { ...shifts, morning: { ...shifts.morning, enabled: false }, afternoon: { ...shifts.afternoon, enabled: false } } }))).toEqual({ shifts: 'planning.errors.noShift' });
    expect(capacityErrors(values({ shifts: { ...shifts, morning: { enabled: true, start: '7:3', end: '07:00' } } }))).toEqual({ 'shifts.morning.start': 'planning.errors.time' });
    expect(capacityErrors(values({ shifts: { ...shifts, morning: { enabled: true, start: '11:00', end: '09:00' } } }))).toEqual({ 'shifts.morning.end': 'planning.errors.shiftOrder' });
    expect(capacityErrors(values({ shifts: { ...shifts, afternoon: { enabled: true, start: '11:00', end: '15:00' } } }))).toEqual({ 'shifts.afternoon.start': 'planning.errors.overlap' });
    // a disabled shift is not checked, an empty rate means the default
    expect(capacityErrors(values({ recordsPerKitHour: '', shifts: { ...shifts, evening: { enabled: false, start: 'x', end: '' } } }))).toEqual({});
    expect(capacityBody(values({ recordsPerKitHour: '' })).recordsPerKitHour).toBeUndefined();
  });

  it('sends times as HH:MM in the day’s order, open days once each', () => {
    const shifts = capacityValuesOf().shifts;
    const body = capacityBody(values({ shifts: { morning: { enabled: false, start: '', end: '' }, afternoon: { enabled: true, start: '13h', end: '17' }, evening: { enabled: true, start: '8', end: '9:00' } }, openWeekdays: ['6', '0', '6'] }));
    expect(body.shifts).toEqual([
      { key: 'evening', start: '08:00', end: '09:00' },
      { key: 'afternoon', start: '13:00', end: '17:00' },
    ]);
    expect(body.openWeekdays).toEqual([0, 6]);
    expect(shifts.evening.enabled).toBe(false);
  });
});

describe('server issues on the forms', () => {
  const sent = [
    { key: 'morning' as const, start: '07:30', end: '11:30' },
    { key: 'evening' as const, start: '18:00', end: '21:00' },
  ];
  it('finds the form field of a point issue, the shift by its place among those sent', () => {
    expect(pointIssueField('settings[0].kits', sent)).toBe('kits');
    expect(pointIssueField('settings[0].shifts[1].end', sent)).toBe('shifts.evening.end');
    expect(pointIssueField('settings[0].shifts[0].key', sent)).toBe('shifts');
    expect(pointIssueField('settings[0].shifts', sent)).toBe('shifts');
    expect(pointIssueField('settings[0].openWeekdays[2]', sent)).toBe('openWeekdays');
    expect(pointIssueField('settings[0].recordsPerKitHour', sent)).toBe('recordsPerKitHour');
    expect(pointIssueField('shifts/1/start', sent)).toBe('shifts.evening.start');
    expect(pointIssueField('/kits', sent)).toBe('kits');
    expect(pointIssueField('communeCode', sent)).toBe('communeCode');
    expect(pointIssueField('from', sent)).toBe('from');
    expect(pointIssueField('settings', sent)).toBeUndefined();
    expect(pointIssueField('closedOn[0]', sent)).toBeUndefined();
  });
  it('calls the campaign start date by the form’s name', () => {
    expect(campaignIssueField('start')).toBe('startDate');
    expect(campaignIssueField('holidays[3]')).toBe('holidays');
    expect(campaignIssueField('deadline')).toBe('deadline');
    expect(campaignIssueField('organisationId')).toBe('organisationId');
    expect(campaignIssueField('path')).toBeUndefined();
  });
});

describe('parseDateList and formatShare', () => {
  it('reads dd/mm/yyyy dates separated by commas, spaces or lines; keeps what it cannot read', () => {
    expect(parseDateList('01/01/2027, 16/02/2027;02/09/2026\n01/01/2027')).toEqual({ dates: ['2026-09-02', '2027-01-01', '2027-02-16'], invalid: [] });
    expect(parseDateList('31/02/2027, hôm nay')).toEqual({ dates: [], invalid: ['31/02/2027', 'hôm', 'nay'] });
    expect(parseDateList('  ')).toEqual({ dates: [], invalid: [] });
  });
  it('shows a share as a Vietnamese percentage', () => {
    expect(formatShare(1, 8)).toBe('12,5%');
    expect(formatShare(2, 4)).toBe('50%');
    expect(formatShare(0, 0)).toBe('0%');
  });
});

describe('permissions mirror', () => {
  it('follows the server grant campaign.plan for every role', () => {
    for (const role of ROLES) expect(canPlan(role), role).toBe(can({ role } as Actor, 'campaign.plan'));
  });
});
