import { createHash } from 'node:crypto';
import { preparedLookup, type Db } from '../platform/db.ts';
import { AppError, type Issue } from '../platform/errors.ts';
import type { FileStore, StoredFile } from '../platform/files.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { findMember, memberLookupArgs, memberQuery, toMember } from '../members/store.ts';
import { intakeBlockedSql } from '../reconciliation/service.ts';
import { compareCardWithRecord, idCardRefusal, parseIdCardQr } from './domain/id-card-qr.ts';
import { checkImage } from './images.ts';
import { uncorrectedChanges } from './domain/declared.ts';
import { insertReceived, VIEW_COLUMNS } from './receipt-writer.ts';
import type { PhotoCheck } from './photo-check.ts';
import { approve, confirm, markReadyToSend, openDossier, recordCorrection, recordStep, returnDossier, STEPS, type Dossier, type DossierResult, type Step } from './domain/dossier.ts';
import { pointInScope, provinceInScope } from '../scheduling/store.ts';

export interface DossierSubmission {
  /** Made by the device before its first try: the idempotency key. */
  id: string;
  memberId: string;
  pointId?: string;
  mobileTeamId?: string;
  /** The declaration and data entry as the member confirmed them, with corrections and their old values. */
  data: Record<string, unknown>;
  /** When each step was done on the device (steps 1–5; declaration and data entry only when something changed). */
  steps: Partial<Record<Exclude<Step, 'sending'>, { at: string }>>;
  /** Corrections made at data entry, with the old value. */
  corrections?: { field: string; old: string | null; new: string | null; at: string }[];
  /** The chip ID card's QR text as scanned, when the card was scanned. */
  qrText?: string;
  deviceId?: string;
  deviceSubmittedAt?: string;
  /** The member signed the printed confirmation slip; the `signature` file, if sent, is its scan. */
  signatureOnPaper?: true;
}

export interface Upload {
  content: Buffer;
  mime: string | undefined;
}

/** The dossier as the state machine sees it, from what the device says was done, in intake order. */
function buildConfirmed(memberId: string, actor: Actor, submission: DossierSubmission, openMismatch: boolean): DossierResult {
  const by = actor.userId ?? actor.username;
  const now = new Date().toISOString();
  let result: DossierResult = { ok: true, dossier: openDossier(memberId) };
  const events: { at: string; apply: (d: Dossier) => DossierResult }[] = [
    ...(submission.corrections ?? []).map((c) => ({ at: c.at, apply: (d: Dossier) => recordCorrection(d, c, by, { at: now, deviceAt: c.at }) })),
    ...STEPS.flatMap((step) => {
      const done = step === 'sending' ? undefined : submission.steps[step];
      return done ? [{ at: done.at, apply: (d: Dossier) => recordStep(d, step, by, { at: now, deviceAt: done.at }) }] : [];
    }),
    // By instant, not text: devices may send different offsets.
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const event of events) {
    if (!result.ok) break;
    result = event.apply(result.dossier);
  }
  return result.ok ? confirm(result.dossier, by, { at: now, deviceAt: submission.deviceSubmittedAt }, { openMismatch }) : result;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * Same submission, same hash: key order in the JSON does not matter, the files' content does (by their SHA-256, which
 * the file store reports for stored files: the common path hashes each file once).
 */
function payloadHash(submission: DossierSubmission, photoSha256: string, signatureSha256: string | undefined): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return sha256(JSON.stringify([canonical(submission), photoSha256, signatureSha256 ?? null]));
}

function toView<T extends { receivedAt: Date }>(row: T) {
  return { ...row, receivedAt: row.receivedAt.toISOString() };
}

async function dossierView(db: Db, id: string) {
  return toView(await db.selectFrom('dossiers').select(VIEW_COLUMNS).where('id', '=', id).executeTakeFirstOrThrow());
}

/** The stored dossier's original answer when this key was already received with this payload; 409 when with another. */
async function replayOf(db: Db, id: string, hash: string) {
  const existing = await db.selectFrom('dossiers').select([...VIEW_COLUMNS, 'payload_sha256']).where('id', '=', id).executeTakeFirst();
  if (!existing) return undefined;
  if (existing.payload_sha256 !== hash) throw new AppError('dossier.conflict');
  const { payload_sha256: _hash, ...view } = existing;
  return { dossier: toView(view), replayed: true };
}

/**
 * Receives a confirmed dossier from a counter or a mobile team. Idempotent: the same submission again (a retry after a
 * lost answer, or an offline outbox syncing) gets the original answer; another payload under the same key is refused.
 * Files are written and synced before the row, and the answer is sent only after the row commits — an acknowledged
 * dossier survives a crash, an unacknowledged one is simply sent again.
 * A first submission is the common case, so the key is not looked up first (decision 0015): a replay is recognised when
 * its insert finds the key taken, or when its validation fails (the member may have changed since it was stored).
 */
export async function submitDossier(db: Db, actor: Actor, files: FileStore, given: DossierSubmission, photo: Upload, signature: Upload | undefined) {
  requirePermission(actor, 'intake.capture');
  // PostgreSQL answers a uuid in lower case: a key sent in upper case is the same key, kept (and hashed) as it answers.
  const submission = { ...given, id: given.id.toLowerCase() };
  let accepted: Awaited<ReturnType<typeof validateSubmission>>;
  try {
    accepted = await validateSubmission(db, actor, submission, photo, signature);
  } catch (error) {
    const earlier = await replayOf(db, submission.id, payloadHash(submission, sha256(photo.content), signature && sha256(signature.content)));
    if (earlier) return earlier;
    throw error;
  }
  const { member, built } = accepted;

  let stored: StoredFile[] = [];
  try {
    // Photo and signature in one file: one write and one sync.
    stored = await files.put([{ kind: 'photo', content: photo.content }, ...(signature ? [{ kind: 'signature' as const, content: signature.content }] : [])]);
    const [photoFile, signatureFile] = stored as [StoredFile, StoredFile | undefined];
    const hash = payloadHash(submission, photoFile.sha256, signatureFile?.sha256);
    const row = await insertReceived(
      db,
      {
        id: submission.id,
        member_id: member.id,
        point_id: submission.pointId ?? null,
        mobile_team_id: submission.mobileTeamId ?? null,
        state: 'confirmed',
        data: submission.data,
        record: built.dossier,
        photo_ref: photoFile.ref,
        photo_sha256: photoFile.sha256,
        signature_ref: signatureFile?.ref ?? null,
        signature_sha256: signatureFile?.sha256 ?? null,
        signature_on_paper: submission.signatureOnPaper === true,
        payload_sha256: hash,
        submitted_by: actor.userId,
        device_id: submission.deviceId ?? null,
        device_submitted_at: submission.deviceSubmittedAt ?? null,
      },
      actor,
    );
    if (!row) {
      // The key was taken (a replay, or the same key arriving twice at once): this request's files are not needed.
      await discardUnreferenced(db, files, submission.id, stored);
      return (await replayOf(db, submission.id, hash))!;
    }
    return { dossier: toView(row), replayed: false };
  } catch (error) {
    await discardUnreferenced(db, files, submission.id, stored).catch(() => {});
    throw error;
  }
}

/**
 * Deletes this request's files unless the stored dossier points at them: a commit whose answer was lost (the
 * connection dropped after COMMIT) did store them, and a retry must find its images. When the database cannot say,
 * the files stay (an orphan costs disk; a deleted image costs the dossier).
 */
async function discardUnreferenced(db: Db, files: FileStore, id: string, stored: readonly StoredFile[]) {
  if (stored.length === 0) return;
  const row = await db.selectFrom('dossiers').select(['photo_ref', 'signature_ref']).where('id', '=', id).executeTakeFirst();
  // The request's photo and signature are one file (put together): kept when the stored dossier names them.
  if (row && stored.some((f) => f.ref === row.photo_ref || f.ref === row.signature_ref)) return;
  await files.delete(stored[0]!.ref);
}

/** The member as findMember reads them, and whether a cross-check difference blocks their intake: one look-up. */
const memberForIntake = preparedLookup((db, values: Parameters<typeof memberQuery>[1], shape) =>
  memberQuery(db, values, shape).select(intakeBlockedSql('m.id').as('intakeBlocked')),
);

/**
 * Everything that can refuse a submission before anything is stored: scope, eligibility, the QR against the record,
 * the images, point and team, and the device's steps through the state machine (with any open cross-check mismatch).
 */
async function validateSubmission(db: Db, actor: Actor, submission: DossierSubmission, photo: Upload, signature: Upload | undefined) {
  // Independent reads, asked together.
  const lookup = memberLookupArgs(actor.scope, submission.memberId);
  const [row, photoCheck, signatureCheck] = await Promise.all([
    lookup && memberForIntake(db, ...lookup),
    checkImage(photo.content, photo.mime, 'photo'),
    // Signed on the pad: its image, not blank. Signed on paper: the slip's scan when there is one.
    signature ? checkImage(signature.content, signature.mime, submission.signatureOnPaper ? 'scan' : 'signature') : undefined,
  ]);
  if (!row) throw new AppError('member.not_found', { id: submission.memberId });
  const { intakeBlocked: blocked, ...member } = toMember(row);
  const issues: Issue[] = [];
  if (!member.eligible) issues.push({ field: 'memberId', code: 'dossier.not_eligible', params: { status: member.status } });
  if (submission.qrText !== undefined) {
    const parsed = parseIdCardQr(submission.qrText);
    if (!parsed.ok) issues.push({ field: 'qrText', code: parsed.code, params: parsed.params });
    else {
      const refusal = idCardRefusal(compareCardWithRecord(parsed.card, member));
      if (refusal) issues.push({ field: 'qrText', code: refusal.code });
    }
  }
  if (!signature && !submission.signatureOnPaper) issues.push({ field: 'signature', code: 'dossier.file_missing' });
  // What the member declared differs from their record only where a correction keeps the old value.
  for (const field of uncorrectedChanges(member as unknown as Record<string, unknown>, submission.data, submission.corrections ?? [])) {
    issues.push({ field: `data.${field}`, code: 'dossier.data_uncorrected' });
  }
  for (const [field, checked] of [['photo', photoCheck], ['signature', signatureCheck]] as const) {
    if (checked && !checked.ok) issues.push({ field, code: checked.code, params: checked.params });
  }
  if (submission.pointId && !(await db.selectFrom('intake_points as p').select('p.id').where('p.id', '=', submission.pointId).where(pointInScope(actor.scope, 'p')).executeTakeFirst())) {
    issues.push({ field: 'pointId', code: 'schedule.point_not_found' });
  }
  if (submission.mobileTeamId && !(await db.selectFrom('mobile_teams as t').select('t.id').where('t.id', '=', submission.mobileTeamId).where(provinceInScope(actor.scope, 't.province_code')).executeTakeFirst())) {
    issues.push({ field: 'mobileTeamId', code: 'dossier.team_not_found' });
  }
  if (issues.length) throw new AppError('validation', {}, issues);
  // The device's account of the steps goes through the same state machine as everywhere: a dossier missing its photo,
  // cross-check or signature (or signed before a later change) is refused, as is one with an open mismatch.
  const built = buildConfirmed(member.id, actor, submission, blocked);
  if (!built.ok) throw new AppError(built.code, built.params);
  return { member, built };
}

/** The supervisor's decision on a confirmed dossier: approve it (then it is ready to send) or return it with a reason. */
export async function reviewDossier(db: Db, actor: Actor, id: string, decision: { approve: true } | { approve: false; reason: string }, checkPhotoNow?: (id: string) => Promise<void>) {
  requirePermission(actor, 'intake.review');
  // Nothing reaches the centre unchecked by the server: a photo the background check has not reached yet (it yields
  // to submissions under load) is checked now, before the approval's transaction.
  if (decision.approve && checkPhotoNow) await checkPhotoNow(id);
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('dossiers').select(['member_id', 'record', 'photo_check']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row || !(await findMember(trx, actor.scope, row.member_id))) throw new AppError('dossier.not_found', { id });
    // A member taken twice: one dossier may go to the centre; the other is returned, not approved too.
    if (decision.approve) {
      const approvedOther = await trx.selectFrom('dossiers').select('id').where('member_id', '=', row.member_id).where('id', '<>', id).where('state', 'in', ['approved', 'ready_to_send', 'sent']).executeTakeFirst();
      if (approvedOther) throw new AppError('dossier.duplicate', { other: approvedOther.id });
    }
    // The server's own photo check refused it (or could not run): approval waits for a new photo; returning stays possible.
    const photoCheck = row.photo_check as PhotoCheck | null;
    if (decision.approve && !photoCheck) throw new AppError('dossier.photo_unchecked');
    if (decision.approve && photoCheck?.ok === false) throw new AppError('dossier.photo_rejected', {}, photoCheck.issues.map(({ code }) => ({ field: 'photo', code })));
    const by = actor.userId ?? actor.username;
    const when = { at: new Date().toISOString() };
    const current = row.record as Dossier;
    const approved = decision.approve ? approve(current, by, when) : returnDossier(current, by, when, decision.reason);
    const result = approved.ok && decision.approve ? markReadyToSend(approved.dossier, by, when) : approved;
    if (!result.ok) throw result.code === 'dossier.reason_required' ? new AppError('validation', {}, [{ field: 'reason', code: result.code, params: result.params }]) : new AppError(result.code, result.params);
    await trx
      .updateTable('dossiers')
      .set({ state: result.dossier.status, record: JSON.stringify(result.dossier), return_reason: result.dossier.returnReason, reviewed_by: actor.userId, reviewed_at: new Date() })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, actor, { action: decision.approve ? 'dossier.approve' : 'dossier.return', entity: 'dossier', entityId: id, details: decision.approve ? {} : { reason: decision.reason } });
  });
  return dossierView(db, id);
}
