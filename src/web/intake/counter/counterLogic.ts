/**
 * The counter's rules, pure: what a scan means, whether this member may be taken here, what the cross-check needs
 * from the officer, and the submission the server receives. The UI only wires these to the screen.
 */
import { compareCardWithRecord, idCardRefusal, parseIdCardQr, type CardDifference, type IdCard, type QrProblem } from '../../../intake/domain/id-card-qr.ts';
import { parsePersonalId } from '../../../members/domain/personal-id.ts';
import { cleanText, foldText } from '../../../common/text.ts';
import type { CounterMember } from './api.ts';

export type Scan =
  | { kind: 'card'; card: IdCard; qrText: string }
  | { kind: 'id'; personalId: string }
  | { kind: 'name'; words: string[] }
  | { kind: 'invalid'; code: QrProblem | 'counter.personal_id'; params?: Record<string, string> };

/** A USB scanner types the card's QR text (fields joined by `|`); an officer types a 12-digit ID or a name. */
export function interpretScan(text: string): Scan | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (trimmed.includes('|')) {
    const parsed = parseIdCardQr(text);
    return parsed.ok ? { kind: 'card', card: parsed.card, qrText: text } : { kind: 'invalid', code: parsed.code, ...(parsed.params ? { params: parsed.params } : {}) };
  }
  if (/^[\d\s.]+$/.test(trimmed)) {
    const id = parsePersonalId(trimmed.replace(/[\s.]/g, ''));
    return id.ok ? { kind: 'id', personalId: id.value } : { kind: 'invalid', code: 'counter.personal_id', params: { problem: id.problem } };
  }
  return { kind: 'name', words: foldText(trimmed).split(' ').filter(Boolean) };
}

/** Members whose name has every typed word (accents ignored), the last one possibly unfinished. */
export function searchByName(members: readonly CounterMember[], words: readonly string[]): CounterMember[] {
  if (words.length === 0) return [];
  return members.filter((m) => {
    const nameWords = foldText(m.fullName).split(' ');
    return words.every((w, i) => nameWords.some((n) => (i === words.length - 1 ? n.startsWith(w) : n === w)));
  });
}

export type Refusal =
  | { code: 'counter.not_eligible'; status: string }
  | { code: 'counter.taken' }
  | { code: 'counter.in_outbox' }
  | { code: 'dossier.qr_mismatch' };

/** Why this member cannot be taken now, if they cannot; and how their card differs from the record. */
export function admit(member: CounterMember, card: IdCard | null, inOutbox: ReadonlySet<string>): { refusal: Refusal | null; cardDifferences: CardDifference[] } {
  const cardDifferences = card ? compareCardWithRecord(card, member) : [];
  const refusal: Refusal | null = !member.eligible
    ? { code: 'counter.not_eligible', status: member.status }
    : idCardRefusal(cardDifferences) ?? (member.taken ? { code: 'counter.taken' } : inOutbox.has(member.id) ? { code: 'counter.in_outbox' } : null);
  return { refusal, cardDifferences };
}

/**
 * What the cross-check asks of the officer: `blocked` (an undecided mismatch with the register: nothing to confirm
 * until it is decided), `clear` (register and card agree with the record: done as the member is opened), or
 * `review` (differences already decided, non-blocking ones, not yet checked, or the card's name or date differs:
 * the officer looks and says so).
 */
export function crossCheckState(member: CounterMember, cardDifferences: readonly CardDifference[]): 'blocked' | 'clear' | 'review' {
  const result = member.reconciliation;
  if (result?.open) return 'blocked';
  if (result?.status === 'matched' && cardDifferences.length === 0) return 'clear';
  return 'review';
}

/** Fields the member may correct at the counter; identity fields are corrected from the register's decision. */
export const CORRECTABLE = ['hometown', 'permanentAddress'] as const;
export type CorrectableField = (typeof CORRECTABLE)[number];
export const MAX_FIELD_LENGTH = 500;

export interface Correction {
  field: CorrectableField;
  old: string | null;
  new: string | null;
  at: string;
}

/** A correction to record, or the problem with the new value (null: nothing changed). */
export function correction(member: CounterMember, field: CorrectableField, typed: string, at: string): { ok: true; correction: Correction | null } | { ok: false; code: 'counter.field_required' | 'counter.field_too_long' } {
  const value = cleanText(typed);
  if (!value) return { ok: false, code: 'counter.field_required' };
  if (value.length > MAX_FIELD_LENGTH) return { ok: false, code: 'counter.field_too_long' };
  const old = member[field];
  return { ok: true, correction: value === (old === null ? null : cleanText(old)) ? null : { field, old, new: value, at } };
}

export interface Steps {
  /** The member confirmed the data shown (their declaration at the counter). */
  declaration?: string;
  photo?: string;
  cross_check?: string;
  signature?: string;
  data_entry?: string;
}

/** What is still missing before "Xác nhận" (in intake order). */
export function missingSteps(steps: Steps, crossCheck: 'blocked' | 'clear' | 'review'): ('photo' | 'cross_check' | 'signature')[] {
  const missing: ('photo' | 'cross_check' | 'signature')[] = [];
  if (!steps.photo) missing.push('photo');
  if (!steps.cross_check || crossCheck === 'blocked') missing.push('cross_check');
  if (!steps.signature) missing.push('signature');
  return missing;
}

/** The member's data as they confirm it: the record with the last correction of each field. */
export function confirmedData(member: CounterMember, corrections: readonly Correction[]): Record<string, string | null> {
  const data: Record<string, string | null> = { fullName: member.fullName, personalId: member.personalId };
  for (const field of CORRECTABLE) data[field] = corrections.findLast((c) => c.field === field)?.new ?? member[field];
  return data;
}

/** The dossier as the server receives it (POST /api/dossiers `submission`); its id is the idempotency key. */
export function buildSubmission(input: {
  id: string;
  member: CounterMember;
  station: { kind: 'point' | 'team'; id: string };
  steps: Steps;
  corrections: readonly Correction[];
  qrText: string | null;
  deviceId: string;
  at: string;
  /** Signed the printed slip instead of the pad. */
  onPaper?: boolean;
}) {
  const { member, steps, corrections } = input;
  const data = confirmedData(member, corrections);
  const at = (value: string | undefined) => (value ? { at: value } : undefined);
  const stepRecord = Object.fromEntries(
    (['declaration', 'data_entry', 'photo', 'cross_check', 'signature'] as const).flatMap((s) => (at(steps[s]) ? [[s, at(steps[s])]] : [])),
  );
  return {
    id: input.id,
    memberId: member.id,
    ...(input.station.kind === 'point' ? { pointId: input.station.id } : { mobileTeamId: input.station.id }),
    data,
    steps: stepRecord,
    ...(corrections.length ? { corrections: corrections.map((c) => ({ ...c })) } : {}),
    ...(input.qrText !== null ? { qrText: input.qrText } : {}),
    deviceId: input.deviceId,
    deviceSubmittedAt: input.at,
    ...(input.onPaper ? { signatureOnPaper: true as const } : {}),
  };
}
