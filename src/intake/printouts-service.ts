/** The counter's printouts as downloads: the member's receipt for a dossier, and the confirmation slip to sign on paper. */
import type { Readable } from 'node:stream';
import { parseDate } from '../common/dates.ts';
import { streamed } from '../common/streams.ts';
import type { Db } from '../platform/db.ts';
import { AppError, type Issue } from '../platform/errors.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { findMember } from '../members/store.ts';
import { checkImage } from './images.ts';
import { SLIP_DATE_FIELDS, SLIP_FIELDS, writeReceiptPdf, writeSlipPdf, type SlipField } from './printouts.ts';
import { receiptData } from './review.ts';

export async function receiptPdf(db: Db, actor: Actor, id: string, locale: Locale): Promise<Readable> {
  const receipt = await receiptData(db, actor, id);
  return streamed((out) => writeReceiptPdf(receipt, out, locale));
}

export interface SlipRequest {
  memberId: string;
  /** The declared fields (SLIP_FIELDS), as the member will sign them; a field left out prints the party record's value. */
  data: Record<string, unknown>;
  /** The photo just taken: a JPEG as base64 (a `data:image/jpeg;base64,` URL as a canvas gives it is taken too). */
  photo?: string;
}

const MAX_TEXT = 300;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The declared value of each field, checked: every problem is reported with its field. */
function declaredValues(data: Record<string, unknown>, issues: Issue[]): Partial<Record<SlipField, string | null>> {
  const values: Partial<Record<SlipField, string | null>> = {};
  for (const [key, raw] of Object.entries(data)) {
    const field = SLIP_FIELDS.find((f) => f === key);
    const at = `data.${key}`;
    if (!field) {
      issues.push({ field: at, code: 'slip.unknown_field', params: { field: key } });
      continue;
    }
    if (raw === null || raw === '') {
      values[field] = null;
      continue;
    }
    if (typeof raw !== 'string' || raw.length > MAX_TEXT) {
      issues.push({ field: at, code: 'slip.text', params: { max: MAX_TEXT } });
      continue;
    }
    if (field === 'gender') {
      if (raw === 'male' || raw === 'female') values.gender = raw;
      else issues.push({ field: at, code: 'gender.invalid' });
    } else if (SLIP_DATE_FIELDS.has(field)) {
      const date = parseDate(raw);
      if (date.kind === 'invalid') issues.push({ field: at, code: `date.${date.reason}` });
      else values[field] = date.kind === 'date' ? date.iso : date.kind === 'year' ? String(date.year) : null;
    } else values[field] = raw;
  }
  return values;
}

/**
 * The confirmation slip of a member in scope, with the data as declared and the photo just taken, printed before the
 * member signs on paper. Nothing is stored; the printing is recorded in the audit trail.
 */
export async function slipPdf(db: Db, actor: Actor, request: SlipRequest, locale: Locale): Promise<Readable> {
  requirePermission(actor, 'intake.capture');
  const member = await findMember(db, actor.scope, request.memberId);
  if (!member) throw new AppError('member.not_found', { id: request.memberId });
  const issues: Issue[] = [];
  const declared = declaredValues(request.data, issues);
  let photo: Buffer | undefined;
  if (request.photo !== undefined) {
    const text = request.photo.replace(/^data:image\/jpeg;base64,/, '').replace(/\s+/g, '');
    if (!BASE64.test(text)) issues.push({ field: 'photo', code: 'slip.photo_base64' });
    else {
      photo = Buffer.from(text, 'base64');
      const checked = await checkImage(photo, 'image/jpeg', 'photo');
      if (!checked.ok) issues.push({ field: 'photo', code: checked.code, params: checked.params });
    }
  }
  if (issues.length) throw new AppError('validation', {}, issues);
  const recorded: Record<SlipField, string | null> = {
    fullName: member.fullName,
    personalId: member.personalId,
    dateOfBirth: member.dateOfBirth ?? String(member.birthYear),
    gender: member.gender,
    ethnicity: member.ethnicity,
    hometown: member.hometown,
    permanentAddress: member.permanentAddress,
    temporaryAddress: member.temporaryAddress,
    admittedOn: member.admittedOn,
    officialOn: member.officialOn,
    partyCardNumber: member.partyCardNumber,
    recordNumber: member.recordNumber,
    phone: member.phone,
  };
  await appendAudit(db, actor, { action: 'dossier.slip', entity: 'member', entityId: member.id, details: { fields: Object.keys(declared) } });
  const slip = { memberId: member.id, values: { ...recorded, ...declared }, organisationName: member.organisationName, printedAt: new Date().toISOString(), ...(photo ? { photo } : {}) };
  return streamed((out) => writeSlipPdf(slip, out, locale));
}
