import { describe, expect, it } from 'vitest';
import type { ImportPreview } from '../api.ts';
import {
  applyServerCheck,
  fixesPayload,
  initialReport,
  outstandingRows,
  rejectedFromIssues,
  reportColumns,
  setFix,
  setSkipped,
} from './importState.ts';

const preview: ImportPreview = {
  uploadId: 'u1',
  fileName: 'ds.xlsx',
  rows: 10,
  accepted: 8,
  rejected: [
    { row: 9, errors: [{ field: 'dateOfBirth', code: 'date.invalid', message: 'Ngày sinh không hợp lệ' }] },
    { row: 7, errors: [{ field: 'personalId', code: 'personal_id.length', message: 'Số định danh phải có 12 chữ số' }, { field: 'committee', code: 'org.unknown', message: 'Không có đảng bộ này' }] },
  ],
  records: [
    { row: 2, values: { personalId: '001092012345', fullName: 'Nguyễn Văn An' }, errors: [] },
    { row: 7, values: { personalId: '1092012345', fullName: '<script>alert(1)</script>' }, errors: [] },
    { row: 9, values: { personalId: '001092012346', fullName: 'Trần Thị Hòa', dateOfBirth: '31/02/1990' }, errors: [] },
  ],
  columns: ['personalId', 'fullName', 'dateOfBirth'],
};

describe('import report state', () => {
  it('lists rejected rows in order with their values and adds columns named only by errors', () => {
    const state = initialReport(preview);
    expect(state.rows.map((row) => row.row)).toEqual([7, 9]);
    expect(state.rows[0]?.values.fullName).toBe('<script>alert(1)</script>');
    expect(reportColumns(preview.columns, state.rows)).toEqual(['personalId', 'fullName', 'dateOfBirth', 'committee']);
    expect(outstandingRows(state)).toEqual([7, 9]);
  });

  it('sends only changed values of rows that are not skipped', () => {
    let state = initialReport(preview);
    state = setFix(state, 7, 'personalId', '001092012345');
    state = setFix(state, 9, 'dateOfBirth', '31/02/1990');
    expect(fixesPayload(state)).toEqual([{ row: 7, values: { personalId: '001092012345' } }]);
    expect(outstandingRows(state)).toEqual([7, 9]);
    state = setSkipped(state, [9], true);
    expect(outstandingRows(state)).toEqual([7]);
    state = setSkipped(state, [7], true);
    expect(fixesPayload(state)).toEqual([]);
    expect(outstandingRows(state)).toEqual([]);
  });

  it('takes the server check of a refused commit', () => {
    let state = setFix(initialReport(preview), 7, 'personalId', '001092012345');
    const rejected = rejectedFromIssues([{ row: 7, field: 'committee', code: 'org.unknown', message: 'Không có đảng bộ này' }]);
    state = applyServerCheck(state, rejected);
    expect(state.rows.find((row) => row.row === 9)?.errors).toEqual([]);
    expect(state.rows.find((row) => row.row === 7)?.errors.map((error) => error.field)).toEqual(['committee']);
    expect(state.fixes[7]?.personalId?.pending).toBe(false);
    expect(outstandingRows(state)).toEqual([7]);
  });

  it('keeps the errors of skipped rows, which the server did not check', () => {
    let state = setSkipped(initialReport(preview), [9], true);
    state = applyServerCheck(state, []);
    expect(state.rows.find((row) => row.row === 9)?.errors).toHaveLength(1);
    expect(state.rows.find((row) => row.row === 7)?.errors).toEqual([]);
  });

  it('keeps fixes and skips when the same file is checked again', () => {
    let state = setSkipped(setFix(initialReport(preview), 7, 'personalId', '001092012345'), [9], true);
    state = initialReport(preview, state);
    expect(state.fixes[7]?.personalId?.value).toBe('001092012345');
    expect([...state.skipped]).toEqual([9]);
  });
});
