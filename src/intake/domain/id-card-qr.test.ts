import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareCardWithRecord, idCardRefusal, parseIdCardQr, type IdCard, type RecordSide } from './id-card-qr.ts';

const ADDRESS = 'Số 12, Ngõ 34 Phố Huế, Phường Hai Bà Trưng, Hà Nội';
const qr = (fields: Partial<Record<'id' | 'old' | 'name' | 'dob' | 'gender' | 'address' | 'issued', string>> = {}) =>
  [
    fields.id ?? '001092012345',
    fields.old ?? '012345678',
    fields.name ?? 'Nguyễn Văn An',
    fields.dob ?? '05091992',
    fields.gender ?? 'Nam',
    fields.address ?? ADDRESS,
    fields.issued ?? '15082021',
  ].join('|');

const card = (over: Partial<IdCard> = {}): IdCard => ({
  personalId: '001092012345',
  oldId: '012345678',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1992-09-05',
  gender: 'male',
  address: ADDRESS,
  issuedOn: '2021-08-15',
  ...over,
});

// Every Vietnamese letter with a quality mark (ă â đ ê ô ơ ư) and every tone (huyền, sắc, hỏi, ngã, nặng).
const ALL_MARKS_NAME = 'Đặng Trần Thị Ngọc Hoà Thuỷ Phương Ẩn Mỹ Ắng Hồng Thế Tuấn Lữ Ơn';

describe('parseIdCardQr', () => {
  it('reads a card', () => {
    expect(parseIdCardQr(qr())).toEqual({ ok: true, card: card() });
  });

  it('reads a card without an old ID, a woman, a name with every kind of diacritic', () => {
    const result = parseIdCardQr(qr({ id: '079195000123', old: '', name: ALL_MARKS_NAME, dob: '29021996', gender: 'Nữ' }));
    expect(result).toEqual({
      ok: true,
      card: card({ personalId: '079195000123', oldId: null, fullName: ALL_MARKS_NAME, dateOfBirth: '1996-02-29', gender: 'female' }),
    });
  });

  it('reads what a USB scanner types: NFD, capitals, stray spaces, a BOM, a trailing CR/LF or Tab, a trailing separator', () => {
    const typed = ` \ufeff${qr({ name: ` ${ALL_MARKS_NAME.toUpperCase()}  `, gender: 'NỮ', address: ` ${ADDRESS}  ` }).normalize('NFD')}|\r\n`;
    const result = parseIdCardQr(typed);
    expect(result).toEqual({ ok: true, card: card({ fullName: ALL_MARKS_NAME, gender: 'female' }) });
    expect(parseIdCardQr(`${qr()}\t`)).toEqual({ ok: true, card: card() });
    expect(parseIdCardQr(`${qr()}\n`)).toEqual({ ok: true, card: card() });
    if (result.ok) expect(result.card.fullName).toBe(result.card.fullName.normalize('NFC'));
  });

  it('reads the look-alike Ð as Đ', () => {
    const result = parseIdCardQr(qr({ name: '\u00d0ặng Văn Ðức' }));
    expect(result.ok && result.card.fullName).toBe('Đặng Văn Đức');
  });

  it.each([
    ['empty text', '', 'qr.format', undefined],
    ['a plain ID typed into the scan field', '001092012345', 'qr.format', undefined],
    ['six fields', qr().split('|').slice(0, 6).join('|'), 'qr.format', undefined],
    ['a non-empty eighth field', `${qr()}|x`, 'qr.format', undefined],
    ['two scans run together', `${qr()}\n${qr()}`, 'qr.format', undefined],
    ['no ID', qr({ id: '' }), 'qr.personal_id', { problem: 'personal_id.missing' }],
    ['an 11-digit ID', qr({ id: '01092012345' }), 'qr.personal_id', { problem: 'personal_id.shape' }],
    ['an ID with a letter', qr({ id: '00109201234O' }), 'qr.personal_id', { problem: 'personal_id.shape' }],
    ['the old ID in the first field', qr({ id: '012345678', old: '001092012345' }), 'qr.personal_id', { problem: 'personal_id.old_cmnd' }],
    ['an unknown province prefix', qr({ id: '999092012345' }), 'qr.personal_id', { problem: 'personal_id.province' }],
    ['an old ID of 8 digits', qr({ old: '12345678' }), 'qr.old_id', undefined],
    ['an old ID of 12 digits', qr({ old: '001092012345' }), 'qr.old_id', undefined],
    ['no name', qr({ name: '  ' }), 'qr.name', undefined],
    ['a name of digits', qr({ name: '05091992' }), 'qr.name', undefined],
    ['a date of birth with slashes', qr({ dob: '05/09/1992' }), 'qr.date', { field: 'qr.field.dateOfBirth' }],
    ['a date of birth of 7 digits', qr({ dob: '5091992' }), 'qr.date', { field: 'qr.field.dateOfBirth' }],
    ['a 31 September', qr({ dob: '31091992' }), 'qr.date', { field: 'qr.field.dateOfBirth' }],
    ['a 29 February in a common year', qr({ dob: '29021993' }), 'qr.date', { field: 'qr.field.dateOfBirth' }],
    ['a year alone', qr({ dob: '1992' }), 'qr.date', { field: 'qr.field.dateOfBirth' }],
    ['an English gender', qr({ gender: 'Male' }), 'qr.gender', undefined],
    ['gender without its diacritic', qr({ gender: 'Nu' }), 'qr.gender', undefined],
    ['no issue date', qr({ issued: '' }), 'qr.date', { field: 'qr.field.issuedOn' }],
    ['an issue date before birth', qr({ issued: '01011990' }), 'qr.date', { field: 'qr.field.issuedOn' }],
  ])('refuses %s', (_label, text, code, params) => {
    expect(parseIdCardQr(text)).toEqual(params ? { ok: false, code, params } : { ok: false, code });
  });

  it('reads any well-formed text back to its fields, whatever the Unicode form and padding', () => {
    const day = fc.record({ y: fc.integer({ min: 1900, max: 2010 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) });
    const pad = fc.constantFrom('', ' ', '  ');
    fc.assert(
      fc.property(day, fc.boolean(), fc.constantFrom<'NFC' | 'NFD'>('NFC', 'NFD'), pad, fc.constantFrom('', '\r', '\n', '\r\n'), ({ y, m, d }, female, form, space, end) => {
        const ddmmyyyy = `${String(d).padStart(2, '0')}${String(m).padStart(2, '0')}${y}`;
        const text = `${qr({ dob: ddmmyyyy, gender: female ? 'Nữ' : 'Nam', name: ALL_MARKS_NAME })
          .split('|')
          .map((f) => `${space}${f}${space}`)
          .join('|')}${end}`.normalize(form);
        const result = parseIdCardQr(text);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.card.dateOfBirth).toBe(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
        expect(result.card.gender).toBe(female ? 'female' : 'male');
        expect(result.card.fullName).toBe(ALL_MARKS_NAME);
      }),
    );
  });
});

describe('compareCardWithRecord', () => {
  const record = (over: Partial<RecordSide> = {}): RecordSide => ({
    personalId: '001092012345',
    fullName: 'Nguyễn Văn An',
    dateOfBirth: '1992-09-05',
    birthYear: 1992,
    gender: 'male',
    ...over,
  });

  it('finds nothing when the card is the record', () => {
    expect(compareCardWithRecord(card(), record())).toEqual([]);
  });

  it('sees no difference between Hoà and Hòa, NFD and NFC, capitals and spacing', () => {
    const scanned = card({ fullName: 'Lê Thị Hoà' });
    expect(compareCardWithRecord(scanned, record({ fullName: 'Lê Thị Hòa' }))).toEqual([]);
    expect(compareCardWithRecord(scanned, record({ fullName: ' LÊ  THỊ HÒA'.normalize('NFD') }))).toEqual([]);
    expect(compareCardWithRecord(card({ fullName: 'Nguyễn Thị Thuỷ' }), record({ fullName: 'Nguyễn Thị Thủy' }))).toEqual([]);
  });

  it('tells Hoa from Hòa, with the cause', () => {
    expect(compareCardWithRecord(card({ fullName: 'Lê Thị Hòa' }), record({ fullName: 'Lê Thị Hoa' }))).toEqual([
      { field: 'fullName', card: 'Lê Thị Hòa', record: 'Lê Thị Hoa', cause: 'tone_differs' },
    ]);
  });

  it('gives dates with their likely cause, and the gender', () => {
    expect(compareCardWithRecord(card(), record({ dateOfBirth: '1992-05-09', gender: 'female' }))).toEqual([
      { field: 'dateOfBirth', card: '1992-09-05', record: '1992-05-09', cause: 'day_month_swapped' },
      { field: 'gender', card: 'male', record: 'female', cause: 'gender_differs' },
    ]);
    expect(compareCardWithRecord(card(), record({ dateOfBirth: null }))).toEqual([
      { field: 'dateOfBirth', card: '1992-09-05', record: '1992', cause: 'year_only' },
    ]);
  });

  it('reports another ID as id_mismatch, first, and refuses the card', () => {
    const differences = compareCardWithRecord(card({ personalId: '001092012346' }), record({ fullName: 'Trần Văn Bình' }));
    expect(differences[0]).toEqual({ field: 'personalId', card: '001092012346', record: '001092012345', cause: 'id_mismatch' });
    expect(differences.map((d) => d.field)).toEqual(['personalId', 'fullName']);
    expect(idCardRefusal(differences)).toEqual({ code: 'dossier.qr_mismatch' });
    expect(idCardRefusal(compareCardWithRecord(card(), record({ dateOfBirth: '1992-09-06' })))).toBeNull();
  });
});
