import { describe, expect, it } from 'vitest';
import { can } from '../../platform/permissions.ts';
import type { Actor } from '../../platform/scope.ts';
import { ROLES } from '../api.ts';
import { enText, viText } from '../i18n/lookup.ts';
import { DIFF_FIELDS } from './api.ts';
import {
  CAUSE_KEYS,
  CHOICE_KEYS,
  COUNT_KEYS,
  DECISION_STATE_KEYS,
  decisionBody,
  decisionFormErrors,
  decisionState,
  diffModeOf,
  FIELD_KEYS,
  runPercent,
  RUN_STATUS_KEYS,
  shownValue,
  STATUS_KEYS,
} from './labels.ts';
import { canCheckRegister, canDecide, canRunReconciliation } from './permissions.ts';


describe('reconciliation labels', () => {
  it('name every code in both catalogues', () => {
    const maps = [FIELD_KEYS, CAUSE_KEYS, STATUS_KEYS, DECISION_STATE_KEYS, CHOICE_KEYS, RUN_STATUS_KEYS, COUNT_KEYS];
    const missing = maps.flatMap((map) => Object.values(map)).filter((key) => !viText(key) || !enText(key));
    expect(missing).toEqual([]);
  });

  it('speak Vietnamese about fields, causes and choices', () => {
    expect(DIFF_FIELDS.map((field) => viText(FIELD_KEYS[field]))).toEqual(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Quê quán', 'Nơi thường trú']);
    expect(viText(CAUSE_KEYS.day_month_swapped)).toBe('Nhầm ngày và tháng');
    expect(viText(CAUSE_KEYS.tone_differs)).toBe('Khác dấu thanh');
    expect(viText(CAUSE_KEYS.diacritic_differs)).toBe('Khác dấu chữ');
    expect(viText(CAUSE_KEYS.letters_differ)).toBe('Khác chữ cái');
    expect(viText(CAUSE_KEYS.syllable_missing)).toBe('Thiếu tiếng');
    expect(viText(CAUSE_KEYS.one_digit_typo)).toBe('Sai một chữ số');
    expect(viText(CAUSE_KEYS.year_only)).toBe('Hồ sơ đảng chỉ có năm sinh');
    expect(viText(CAUSE_KEYS.place_differs)).toBe('Khác địa danh');
    expect(viText(CHOICE_KEYS.correct)).toBe('Sửa hồ sơ đảng theo CSDL dân cư');
    expect(viText(CHOICE_KEYS.keep)).toBe('Giữ giá trị hồ sơ đảng (ghi lý do)');
    expect(viText(CHOICE_KEYS.refer)).toBe('Đề nghị công an điều chỉnh CSDL dân cư');
    // the two states of the intake indicator must not be read one for the other
    expect(viText('reconciliation.intakeBlocked')).toBe('Bị chặn xác nhận cấp thẻ');
    expect(viText('reconciliation.intakeFree')).toBe('Không bị chặn');
  });
});

describe('shownValue and diffModeOf', () => {
  const gender = (g: 'male' | 'female') => (g === 'male' ? 'Nam' : 'Nữ');
  it('shows dates as dd/mm/yyyy, a bare year as it is, gender in words', () => {
    expect(shownValue('dateOfBirth', '1958-10-01', gender)).toBe('01/10/1958');
    expect(shownValue('dateOfBirth', '1958', gender)).toBe('1958');
    expect(shownValue('gender', 'female', gender)).toBe('Nữ');
    expect(shownValue('fullName', 'Phạm Văn Bắc', gender)).toBe('Phạm Văn Bắc');
    expect(shownValue('residence', '', gender)).toBe('');
  });
  it('compares names by letter, dates by digit, places by word', () => {
    expect(DIFF_FIELDS.map(diffModeOf)).toEqual(['chars', 'date', 'whole', 'words', 'words']);
  });
});

describe('decision form', () => {
  it('needs a choice, and a reason of 3–500 characters to keep or refer', () => {
    expect(decisionFormErrors('', '')).toEqual({ decision: 'reconciliation.decision.errors.choiceRequired' });
    expect(decisionFormErrors('correct', '')).toEqual({});
    expect(decisionFormErrors('keep', '   ')).toEqual({ reason: 'reconciliation.decision.errors.reasonRequired' });
    expect(decisionFormErrors('refer', '')).toEqual({ reason: 'reconciliation.decision.errors.reasonRequired' });
    expect(decisionFormErrors('keep', ' ab ')).toEqual({ reason: 'reconciliation.decision.errors.reasonShort' });
    expect(decisionFormErrors('keep', 'x'.repeat(501))).toEqual({ reason: 'reconciliation.decision.errors.reasonLong' });
    expect(decisionFormErrors('keep', 'Theo lý lịch gốc')).toEqual({});
    expect(decisionFormErrors('correct', 'ok')).toEqual({});
    expect(decisionFormErrors('correct', 'x'.repeat(501))).toEqual({ reason: 'reconciliation.decision.errors.reasonLong' });
  });
  it('sends the reason trimmed, or none', () => {
    expect(decisionBody('correct', '  ')).toEqual({ decision: 'correct' });
    expect(decisionBody('keep', '  Theo lý lịch gốc ')).toEqual({ decision: 'keep', reason: 'Theo lý lịch gốc' });
  });
  it('tells open, decided and nothing-to-decide apart', () => {
    expect(decisionState({ open: true, decision: null })).toBe('open');
    expect(decisionState({ open: false, decision: null })).toBe('none');
    expect(decisionState({ open: false, decision: { kind: 'kept', reason: 'x', decidedBy: 'A', decidedAt: '2026-01-01T00:00:00Z' } })).toBe('kept');
  });
});

describe('runPercent', () => {
  it('is checked over total, whole percents, 100 for an empty finished run', () => {
    expect(runPercent({ status: 'running', checked: 1, total: 3 })).toBe(33);
    expect(runPercent({ status: 'done', checked: 3, total: 3 })).toBe(100);
    expect(runPercent({ status: 'queued', checked: 0, total: 0 })).toBe(0);
    expect(runPercent({ status: 'done', checked: 0, total: 0 })).toBe(100);
    expect(runPercent({ status: 'running', checked: 5, total: 3 })).toBe(100);
  });
});

describe('permissions mirror', () => {
  it('follows the server grants for every role', () => {
    for (const role of ROLES) {
      const actor = { role } as Actor;
      expect(canRunReconciliation(role), role).toBe(can(actor, 'reconciliation.run'));
      expect(canDecide(role), role).toBe(can(actor, 'reconciliation.decide'));
      expect(canCheckRegister(role), role).toBe(can(actor, 'register.check'));
    }
  });
});
