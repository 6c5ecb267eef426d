import { describe, expect, it } from 'vitest';
import { can, ROLES } from '../../../platform/permissions.ts';
import { enText, viText } from '../../i18n/lookup.ts';
import { DOSSIER_STATES } from './api.ts';
import { addDays, compareData, fieldKey, formatMinutes, reasonError, shownValue, STATE_KEYS, STEP_KEYS } from './labels.ts';
import { canReview } from './permissions.ts';

describe('dossier review labels', () => {
  it('name every state and step in both catalogues', () => {
    const keys = [...Object.values(STATE_KEYS), ...Object.values(STEP_KEYS), 'review.errors.reasonRequired'];
    expect(keys.filter((key) => !viText(key) || !enText(key))).toEqual([]);
    expect(DOSSIER_STATES.map((state) => viText(STATE_KEYS[state]))).toEqual(['Đang thu nhận', 'Chờ duyệt', 'Đã duyệt', 'Bị trả lại', 'Sẵn sàng gửi', 'Đã gửi']);
  });

  it('show the page to exactly the roles the server lets review', () => {
    for (const role of ROLES) expect(canReview(role), role).toBe(can({ userId: null, username: 'x', role, scope: { all: true } }, 'intake.review'));
  });

  it('compare two dossiers field by field', () => {
    expect(compareData({ phone: '0912', hometown: 'Huế' }, { phone: '0913', ethnicity: 'Kinh' })).toEqual([
      { field: 'ethnicity', left: '—', right: 'Kinh', differs: true },
      { field: 'hometown', left: 'Huế', right: '—', differs: true },
      { field: 'phone', left: '0912', right: '0913', differs: true },
    ]);
    expect(compareData({ phone: '0912' }, { phone: '0912' })[0]!.differs).toBe(false);
    expect(shownValue(null)).toBe('—');
    expect(fieldKey('phone')).toBe('fields.phone');
    expect(fieldKey('somethingElse')).toBeUndefined();
  });

  it('ask for a reason before returning, count minutes and days the Vietnamese way', () => {
    expect(reasonError('  ab ')).toBe('review.errors.reasonRequired');
    expect(reasonError('Ảnh mờ')).toBeUndefined();
    expect(formatMinutes(5.5)).toBe('5,5');
    expect(formatMinutes(null)).toBe('—');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
