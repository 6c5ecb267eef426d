/**
 * The intake dossier (hồ sơ thu nhận) of one member: the six intake steps and the review around them.
 *
 *   in_progress ──confirm──▶ confirmed ──approve──▶ approved ──markReadyToSend──▶ ready_to_send ──markSent──▶ sent
 *        ▲                      │
 *        └──(any step)── returned ◀──returnDossier(reason)
 *
 * Rules (pure; every function returns a new dossier or a refusal and never mutates its input):
 * - Steps declaration, data_entry, photo, cross_check, signature are recorded while the dossier is in_progress
 *   or returned (recording one on a returned dossier takes it back to in_progress). A step may be recorded again;
 *   the latest record counts. Corrections are data entry: they record the data_entry step too.
 * - confirm needs photo, cross_check and signature, and no open mismatch with the population register (the caller
 *   asks reconciliation's intakeBlockedSql()). declaration and data_entry are NOT required: the member list was imported
 *   and declared before the visit, so when nothing changes at the counter nobody enters anything.
 * - Order matters where the data changes: a cross-check recorded before the last data change (data_entry or a correction)
 *   does not count, and the signature must come after every other step and correction (the member signs the data as
 *   it finally is). A step that no longer counts is reported as missing (it must be done again).
 * - A returned dossier must be confirmed again; approval and sending need the confirmation that follows the return.
 * - sending (step 6) is recorded by markSent, only from ready_to_send.
 * Who may do what (officer vs supervisor) is a permission of the service, not checked here.
 */
import { cleanText } from '../../common/text.ts';

export const STEPS = ['declaration', 'data_entry', 'photo', 'cross_check', 'signature', 'sending'] as const;
export type Step = (typeof STEPS)[number];

export const STATUSES = ['in_progress', 'confirmed', 'approved', 'returned', 'ready_to_send', 'sent'] as const;
export type DossierStatus = (typeof STATUSES)[number];

/** Server time, and the device's own clock when it sent one (offline counters, mobile teams). ISO timestamps. */
export interface When {
  at: string;
  deviceAt?: string;
}

/** A user id (users.id). */
export type UserId = string;

export interface StepRecord extends When {
  by: UserId;
  /** Position in the dossier's event order (timestamps from devices are not trusted for ordering). */
  seq: number;
}

export interface Correction extends When {
  field: string;
  old: string | null;
  new: string | null;
  by: UserId;
  seq: number;
}

export interface Transition extends When {
  from: DossierStatus;
  to: DossierStatus;
  by: UserId;
  reason?: string;
}

export interface Dossier {
  memberId: string;
  status: DossierStatus;
  /** The latest record of each step done. */
  steps: Partial<Record<Step, StepRecord>>;
  corrections: Correction[];
  history: Transition[];
  /** The reason of the latest return, until the dossier is confirmed again. */
  returnReason: string | null;
  /** Last event number used. */
  seq: number;
}

export type DossierRefusal = 'dossier.missing_step' | 'dossier.open_mismatch' | 'dossier.bad_transition' | 'dossier.reason_required';

export type DossierResult =
  | { ok: true; dossier: Dossier }
  | { ok: false; code: DossierRefusal; params?: Record<string, string> };

/** Steps confirm requires. */
export const REQUIRED_STEPS: readonly Step[] = ['photo', 'cross_check', 'signature'];

const EDITABLE: ReadonlySet<DossierStatus> = new Set(['in_progress', 'returned']);
const MIN_REASON = 3;

export function openDossier(memberId: string): Dossier {
  return { memberId, status: 'in_progress', steps: {}, corrections: [], history: [], returnReason: null, seq: 0 };
}

const stamp = (when: When): When => (when.deviceAt === undefined ? { at: when.at } : { at: when.at, deviceAt: when.deviceAt });

const badTransition = (dossier: Dossier): DossierResult => ({ ok: false, code: 'dossier.bad_transition', params: { status: `dossier.status.${dossier.status}` } });

function moveTo(dossier: Dossier, to: DossierStatus, by: UserId, when: When, reason?: string): Dossier {
  const transition: Transition = { from: dossier.status, to, by, ...stamp(when), ...(reason === undefined ? {} : { reason }) };
  return { ...dossier, status: to, history: [...dossier.history, transition], seq: dossier.seq + 1 };
}

/** Records step 1–5 (sending goes through markSent). On a returned dossier, work resumes: back to in_progress. */
export function recordStep(dossier: Dossier, step: Step, by: UserId, when: When): DossierResult {
  if (step === 'sending' || !EDITABLE.has(dossier.status)) return badTransition(dossier);
  const base = dossier.status === 'returned' ? moveTo(dossier, 'in_progress', by, when) : dossier;
  const seq = base.seq + 1;
  return { ok: true, dossier: { ...base, steps: { ...base.steps, [step]: { by, ...stamp(when), seq } }, seq } };
}

/** A correction at data entry, kept with the old value; records the data_entry step. A value left as it was is no correction. */
export function recordCorrection(
  dossier: Dossier,
  change: { field: string; old: string | null; new: string | null },
  by: UserId,
  when: When,
): DossierResult {
  if (!EDITABLE.has(dossier.status)) return badTransition(dossier);
  if (change.old === change.new) return { ok: true, dossier };
  const entered = recordStep(dossier, 'data_entry', by, when);
  if (!entered.ok) return entered;
  const seq = entered.dossier.seq + 1;
  const correction: Correction = { field: change.field, old: change.old, new: change.new, by, ...stamp(when), seq };
  return { ok: true, dossier: { ...entered.dossier, corrections: [...entered.dossier.corrections, correction], seq } };
}

/** Required steps not done, or to be done again (done before a later change, or a signature before a step still to do), in intake order. */
export function missingSteps(dossier: Dossier): Step[] {
  const seqOf = (step: Step) => dossier.steps[step]?.seq ?? -1;
  const lastCorrection = dossier.corrections.reduce((max, c) => Math.max(max, c.seq), -1);
  const lastDataChange = Math.max(seqOf('data_entry'), lastCorrection);
  const missing: Step[] = [];
  if (!dossier.steps.photo) missing.push('photo');
  if (!dossier.steps.cross_check || seqOf('cross_check') < lastDataChange) missing.push('cross_check');
  const lastBeforeSignature = Math.max(lastDataChange, seqOf('declaration'), seqOf('photo'), seqOf('cross_check'));
  // A step still to do will come after the signature: the member signs again.
  if (!dossier.steps.signature || seqOf('signature') < lastBeforeSignature || missing.length > 0) missing.push('signature');
  return missing;
}

/** The officer confirms the dossier. openMismatch: the member still has an undecided blocking difference with the register. */
export function confirm(dossier: Dossier, by: UserId, when: When, check: { openMismatch: boolean }): DossierResult {
  if (!EDITABLE.has(dossier.status)) return badTransition(dossier);
  const missing = missingSteps(dossier);
  if (missing.length > 0) return { ok: false, code: 'dossier.missing_step', params: { step: `dossier.step.${missing[0]!}` } };
  if (check.openMismatch) return { ok: false, code: 'dossier.open_mismatch' };
  return { ok: true, dossier: { ...moveTo(dossier, 'confirmed', by, when), returnReason: null } };
}

/** A supervisor approves a confirmed dossier. */
export function approve(dossier: Dossier, by: UserId, when: When): DossierResult {
  if (dossier.status !== 'confirmed') return badTransition(dossier);
  return { ok: true, dossier: moveTo(dossier, 'approved', by, when) };
}

/** A supervisor sends a confirmed dossier back to the counter, saying why. */
export function returnDossier(dossier: Dossier, by: UserId, when: When, reason: string): DossierResult {
  if (dossier.status !== 'confirmed') return badTransition(dossier);
  const why = cleanText(reason);
  if ([...why].length < MIN_REASON) return { ok: false, code: 'dossier.reason_required', params: { min: String(MIN_REASON) } };
  return { ok: true, dossier: { ...moveTo(dossier, 'returned', by, when, why), returnReason: why } };
}

export function markReadyToSend(dossier: Dossier, by: UserId, when: When): DossierResult {
  if (dossier.status !== 'approved') return badTransition(dossier);
  return { ok: true, dossier: moveTo(dossier, 'ready_to_send', by, when) };
}

/** Step 6: the confirmed record went to the Central Organization Committee. */
export function markSent(dossier: Dossier, by: UserId, when: When): DossierResult {
  if (dossier.status !== 'ready_to_send') return badTransition(dossier);
  const moved = moveTo(dossier, 'sent', by, when);
  const seq = moved.seq + 1;
  return { ok: true, dossier: { ...moved, steps: { ...moved.steps, sending: { by, ...stamp(when), seq } }, seq } };
}
