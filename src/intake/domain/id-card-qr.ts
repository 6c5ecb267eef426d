/**
 * The QR code on the chip ID card (CCCD gắn chip), as a USB scanner types it or a webcam decodes it:
 *
 *   personal ID | old 9-digit CMND (may be empty) | full name | date of birth ddmmyyyy | Nam/Nữ | permanent address | date of issue ddmmyyyy
 *
 * Tolerated: surrounding spaces and control characters (a scanner's trailing CR/LF or Tab, a BOM), NFD text,
 * spaces around the separators, a trailing separator (extra fields beyond the seventh only when empty).
 * Not tolerated: anything that changes the content (a keyboard layout that retypes `|`, an IME rewriting letters).
 * Pure; the personal ID must match the party record exactly (compareCardWithRecord).
 */
import { cleanName, cleanText } from '../../common/text.ts';
import { isoDate } from '../../common/dates.ts';
import { parsePersonalId, type PersonalIdProblem } from '../../members/domain/personal-id.ts';
import { compareDates, compareNames, type Cause } from '../../reconciliation/domain/compare.ts';
import type { Gender } from '../../platform/schema.ts';

export interface IdCard {
  personalId: string;
  /** The old 9-digit CMND number, when the card carries one. */
  oldId: string | null;
  /** NFC, single-spaced, proper case (cleanName). */
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  gender: Gender;
  /** NFC, single-spaced (cleanText), as printed. */
  address: string;
  /** YYYY-MM-DD */
  issuedOn: string;
}

export type QrProblem = 'qr.format' | 'qr.personal_id' | 'qr.old_id' | 'qr.name' | 'qr.date' | 'qr.gender';

export type QrParse =
  | { ok: true; card: IdCard }
  | { ok: false; code: QrProblem; params?: Record<string, string> };

const FIELD_COUNT = 7;

const refuse = (code: QrProblem, params?: Record<string, string>): QrParse => (params ? { ok: false, code, params } : { ok: false, code });

/** ddmmyyyy → YYYY-MM-DD, or undefined. */
function qrDate(text: string): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(text);
  return m ? isoDate(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
}

function qrPersonalId(text: string): { ok: true; value: string } | { ok: false; problem: PersonalIdProblem } {
  // Machine-written: exactly 12 digits (no padding of lost zeros as for spreadsheet cells).
  if (!/^\d{12}$/.test(text)) return { ok: false, problem: text === '' ? 'personal_id.missing' : /^\d{9}$/.test(text) ? 'personal_id.old_cmnd' : 'personal_id.shape' };
  return parsePersonalId(text);
}

export function parseIdCardQr(text: string): QrParse {
  // cleanText would also turn control characters into spaces; the separators are kept as they are.
  const fields = text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f\u200b-\u200d\ufeff]/g, ' ')
    .trim()
    .split('|')
    .map((field) => cleanText(field));
  while (fields.length > FIELD_COUNT && fields[fields.length - 1] === '') fields.pop();
  if (fields.length !== FIELD_COUNT) return refuse('qr.format');
  const [rawId, rawOldId, rawName, rawBirth, rawGender, rawAddress, rawIssued] = fields as [string, string, string, string, string, string, string];

  const id = qrPersonalId(rawId);
  if (!id.ok) return refuse('qr.personal_id', { problem: id.problem });
  if (rawOldId !== '' && !/^\d{9}$/.test(rawOldId)) return refuse('qr.old_id');
  const fullName = cleanName(rawName);
  if (!/\p{L}/u.test(fullName)) return refuse('qr.name');
  const dateOfBirth = qrDate(rawBirth);
  if (!dateOfBirth) return refuse('qr.date', { field: 'qr.field.dateOfBirth' });
  const genderWord = rawGender.toLowerCase();
  const gender: Gender | undefined = genderWord === 'nam' ? 'male' : genderWord === 'nữ' ? 'female' : undefined;
  if (!gender) return refuse('qr.gender');
  const issuedOn = qrDate(rawIssued);
  if (!issuedOn || issuedOn < dateOfBirth) return refuse('qr.date', { field: 'qr.field.issuedOn' });

  return {
    ok: true,
    card: { personalId: id.value, oldId: rawOldId === '' ? null : rawOldId, fullName, dateOfBirth, gender, address: rawAddress, issuedOn },
  };
}

/** The party record the card is checked against (a member row). */
export interface RecordSide {
  personalId: string;
  fullName: string;
  dateOfBirth: string | null;
  birthYear: number;
  gender: Gender;
}

export type CardField = 'personalId' | 'fullName' | 'dateOfBirth' | 'gender';
export type CardCause = Cause | 'id_mismatch';

export interface CardDifference {
  field: CardField;
  card: string;
  record: string;
  cause: CardCause;
}

/**
 * Differences between the scanned card and the party record, by the reconciliation rules (compare.ts):
 * names equal whatever the Unicode form, case, spacing or tone placement; dates exact, with the likely cause.
 * A different personal ID comes first, as `id_mismatch`: the card is not this member's (see idCardRefusal).
 */
export function compareCardWithRecord(card: IdCard, record: RecordSide): CardDifference[] {
  const differences: CardDifference[] = [];
  if (card.personalId !== record.personalId) differences.push({ field: 'personalId', card: card.personalId, record: record.personalId, cause: 'id_mismatch' });
  const name = card.fullName === record.fullName ? null : compareNames(record.fullName, card.fullName);
  if (name) differences.push({ field: 'fullName', card: card.fullName, record: cleanText(record.fullName), cause: name });
  const date = compareDates(record, card.dateOfBirth);
  if (date) differences.push({ field: 'dateOfBirth', card: card.dateOfBirth, record: record.dateOfBirth ?? String(record.birthYear), cause: date });
  if (card.gender !== record.gender) differences.push({ field: 'gender', card: card.gender, record: record.gender, cause: 'gender_differs' });
  return differences;
}

/** The refusal a counter must give when the card does not belong to the record (null when the IDs match). */
export function idCardRefusal(differences: readonly CardDifference[]): { code: 'dossier.qr_mismatch' } | null {
  return differences.some((d) => d.cause === 'id_mismatch') ? { code: 'dossier.qr_mismatch' } : null;
}
