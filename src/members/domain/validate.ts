import type { Issue } from '../../platform/errors.ts';
import type { Gender, MemberStatus } from '../../platform/schema.ts';
import { parseDate } from '../../common/dates.ts';
import { cleanName, cleanText, foldText } from '../../common/text.ts';
import type { MemberField } from './fields.ts';
import { checkPersonalIdAgainst, decodePersonalId, parsePersonalId } from './personal-id.ts';

/** A member as validated from a list row or a form, before it has a cell id. */
export interface MemberDraft {
  personalId: string;
  fullName: string;
  dateOfBirth: string | null;
  birthYear: number;
  gender: Gender;
  hometown: string | null;
  permanentAddress: string | null;
  temporaryAddress: string | null;
  ethnicity: string | null;
  admittedOn: string | null;
  officialOn: string | null;
  partyCardNumber: string | null;
  recordNumber: string | null;
  status: MemberStatus;
  phone: string | null;
  needsHomeVisit: boolean;
  cell: string | null;
  committee: string | null;
}

export type RawValues = Partial<Record<MemberField, unknown>>;

export interface ValidationContext {
  /** Today in Vietnam, YYYY-MM-DD. */
  today: string;
  /** Fields whose spreadsheet cell held a formula. */
  formulas?: readonly string[];
}

export function isEligible(m: Pick<MemberDraft, 'status' | 'partyCardNumber'>): boolean {
  return m.status === 'official' && m.partyCardNumber !== null;
}

const MAX_TEXT = 500;
const MAX_NAME = 100;

const STATUS: Record<string, MemberStatus> = {
  'chinh thuc': 'official', ct: 'official', official: 'official', 'dang vien chinh thuc': 'official',
  'du bi': 'probationary', db: 'probationary', probationary: 'probationary', 'dang vien du bi': 'probationary',
  'chuyen di': 'moved_out', 'da chuyen di': 'moved_out', 'chuyen sinh hoat': 'moved_out', moved_out: 'moved_out',
  'tu tran': 'deceased', 'tu tran (chet)': 'deceased', 'da tu tran': 'deceased', 'qua doi': 'deceased', deceased: 'deceased',
  'ra khoi dang': 'left', 'xoa ten': 'left', 'khai tru': 'left', left: 'left',
};

const GENDER: Record<string, Gender> = { nam: 'male', male: 'male', m: 'male', trai: 'male', nu: 'female', female: 'female', f: 'female', gai: 'female' };
const YES = new Set(['x', 'co', 'yes', 'true', '1', 'v', 'có']);
const NO = new Set(['', 'khong', 'no', 'false', '0', '-']);

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return cleanText(String(value));
}

/** Validates one row; every problem is reported with its field, none stops at the first. */
export function validateMember(values: RawValues, ctx: ValidationContext): { draft?: MemberDraft; errors: Issue[] } {
  const errors: Issue[] = [];
  const fail = (field: MemberField, code: string, params?: Issue['params']) => errors.push({ field, code, ...(params ? { params } : {}) });
  for (const field of ctx.formulas ?? []) fail(field as MemberField, 'row.formula');

  const optionalText = (field: MemberField, max = MAX_TEXT): string | null => {
    const value = text(values[field]);
    if (value.length > max) fail(field, 'row.too_long', { max });
    return value === '' ? null : value;
  };

  const id = parsePersonalId(typeof values.personalId === 'string' ? values.personalId : values.personalId ?? null);
  if (!id.ok) fail('personalId', id.problem);

  const fullName = cleanName(text(values.fullName));
  if (!fullName) fail('fullName', 'row.required');
  else if (fullName.length > MAX_NAME) fail('fullName', 'row.too_long', { max: MAX_NAME });

  const dob = parseDate(values.dateOfBirth);
  let dateOfBirth: string | null = null;
  let birthYear: number | undefined;
  if (dob.kind === 'empty') fail('dateOfBirth', 'row.required');
  else if (dob.kind === 'invalid') fail('dateOfBirth', `date.${dob.reason}`);
  else {
    birthYear = dob.year;
    if (dob.kind === 'date') dateOfBirth = dob.iso;
    const dobKey = dob.kind === 'date' ? dob.iso : `${dob.year}-01-01`;
    if (dobKey > ctx.today) fail('dateOfBirth', 'date.future');
    else if (dob.year < Number(ctx.today.slice(0, 4)) - 120) fail('dateOfBirth', 'date.too_old');
  }

  const genderText = foldText(text(values.gender));
  let gender: Gender | undefined = GENDER[genderText];
  if (genderText && !gender) fail('gender', 'gender.invalid');
  // An empty gender cell is filled from the ID number, which encodes it.
  if (!genderText && id.ok) gender = decodePersonalId(id.value).gender;
  if (!genderText && !id.ok) fail('gender', 'gender.missing');

  if (id.ok && gender) for (const problem of checkPersonalIdAgainst(id.value, birthYear, gender)) fail('personalId', problem);

  const dateField = (field: 'admittedOn' | 'officialOn'): string | null => {
    const parsed = parseDate(values[field]);
    if (parsed.kind === 'empty') return null;
    if (parsed.kind === 'invalid') return fail(field, `date.${parsed.reason}`), null;
    if (parsed.kind === 'year') return fail(field, 'date.year_only'), null;
    if (parsed.iso > ctx.today) return fail(field, 'date.future'), null;
    if (dateOfBirth && parsed.iso <= dateOfBirth) return fail(field, 'date.before_birth'), null;
    return parsed.iso;
  };
  const admittedOn = dateField('admittedOn');
  const officialOn = dateField('officialOn');
  if (admittedOn && birthYear !== undefined) {
    const eighteenth = dateOfBirth ? `${birthYear + 18}${dateOfBirth.slice(4)}` : `${birthYear + 18}-01-01`;
    if (admittedOn < eighteenth) fail('admittedOn', 'date.too_young');
  }
  if (admittedOn && officialOn && officialOn <= admittedOn) fail('officialOn', 'date.official_before_admitted');

  const card = parsePartyCard(values.partyCardNumber);
  if (card === 'invalid') fail('partyCardNumber', 'party_card.shape');

  const statusText = foldText(text(values.status));
  let status: MemberStatus | undefined = STATUS[statusText];
  if (statusText && !status) fail('status', 'status.invalid');
  // No status column: an official date makes an official member, otherwise probationary.
  if (!statusText) status = officialOn || (card !== null && card !== 'invalid') ? 'official' : 'probationary';

  const phone = parsePhone(values.phone);
  if (phone === 'invalid') fail('phone', 'phone.shape');

  const visitText = foldText(text(values.needsHomeVisit));
  const needsHomeVisit = YES.has(visitText);
  if (!needsHomeVisit && !NO.has(visitText)) fail('needsHomeVisit', 'boolean.invalid');

  const hometown = optionalText('hometown');
  const permanentAddress = optionalText('permanentAddress');
  const temporaryAddress = optionalText('temporaryAddress');
  const ethnicity = optionalText('ethnicity', 50);
  const recordNumber = optionalText('recordNumber', 30);
  const cell = optionalText('cell', 200);
  const committee = optionalText('committee', 200);
  if (errors.length > 0 || !id.ok) return { errors };
  return {
    errors,
    draft: {
      personalId: id.value,
      fullName,
      dateOfBirth,
      birthYear: birthYear!,
      gender: gender!,
      hometown,
      permanentAddress,
      temporaryAddress,
      ethnicity,
      admittedOn,
      officialOn,
      partyCardNumber: card as string | null,
      recordNumber,
      status: status!,
      phone: phone as string | null,
      needsHomeVisit,
      cell,
      committee,
    },
  };
}

/** "12.345678", "12345678", or a number that lost its leading zero → 8 digits; null when empty. */
export function parsePartyCard(raw: unknown): string | null | 'invalid' {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0 || raw > 99_999_999) return 'invalid';
    return String(raw).padStart(8, '0');
  }
  const digits = cleanText(String(raw)).replace(/[\s.\-/]/g, '');
  if (digits === '') return null;
  return /^\d{8}$/.test(digits) ? digits : 'invalid';
}

/** Vietnamese mobile/landline: 10–11 digits starting with 0; +84 and a lost leading zero are repaired. */
export function parsePhone(raw: unknown): string | null | 'invalid' {
  if (raw === null || raw === undefined) return null;
  let digits = (typeof raw === 'number' ? String(raw) : cleanText(String(raw))).replace(/[\s.\-()]/g, '');
  if (digits === '') return null;
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('84') && digits.length === 11) digits = `0${digits.slice(2)}`;
  if (/^[1-9]\d{8,9}$/.test(digits)) digits = `0${digits}`;
  return /^0\d{9,10}$/.test(digits) ? digits : 'invalid';
}
