import { createHash } from 'node:crypto';
import type { Db } from '../platform/db.ts';
import { AppError, type Issue } from '../platform/errors.ts';
import type { FileStore, StoredFile } from '../platform/files.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { findMember } from '../members/store.ts';
import { intakeBlocked } from '../reconciliation/service.ts';
import { compareCardWithRecord, idCardRefusal, parseIdCardQr } from './domain/id-card-qr.ts';
import { checkImage } from './images.ts';
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
  ].sort((a, b) => a.at.localeCompare(b.at));
  for (const event of events) {
    if (!result.ok) break;
    result = event.apply(result.dossier);
  }
  return result.ok ? confirm(result.dossier, by, { at: now, deviceAt: submission.deviceSubmittedAt }, { openMismatch }) : result;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Same submission, same hash: key order in the JSON does not matter, the files' content does. */
function payloadHash(submission: DossierSubmission, photo: Upload, signature: Upload): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return sha256(JSON.stringify([canonical(submission), sha256(photo.content), sha256(signature.content)]));
}

async function dossierView(db: Db, id: string) {
  const row = await db
    .selectFrom('dossiers')
    .select(['id', 'member_id as memberId', 'state', 'conflict_with as conflictWith', 'received_at as receivedAt', 'payload_sha256 as payloadSha256'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const { payloadSha256: _p, ...view } = row;
  return { ...view, receivedAt: view.receivedAt.toISOString() };
}

/**
 * Receives a confirmed dossier from a counter or a mobile team. Idempotent: the same submission again (a retry after a
 * lost answer, or an offline outbox syncing) gets the original answer; another payload under the same key is refused.
 * Files are written and synced before the row, and the answer is sent only after the row commits — an acknowledged
 * dossier survives a crash, an unacknowledged one is simply sent again.
 */
export async function submitDossier(db: Db, actor: Actor, files: FileStore, submission: DossierSubmission, photo: Upload, signature: Upload) {
  requirePermission(actor, 'intake.capture');
  const hash = payloadHash(submission, photo, signature);
  const replay = async () => {
    const existing = await db.selectFrom('dossiers').select(['payload_sha256']).where('id', '=', submission.id).executeTakeFirst();
    if (!existing) return undefined;
    if (existing.payload_sha256 !== hash) throw new AppError('dossier.conflict');
    return { dossier: await dossierView(db, submission.id), replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const member = await findMember(db, actor.scope, submission.memberId);
  if (!member) throw new AppError('member.not_found', { id: submission.memberId });
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
  for (const [field, upload, kind] of [['photo', photo, 'photo'], ['signature', signature, 'signature']] as const) {
    const checked = await checkImage(upload.content, upload.mime, kind);
    if (!checked.ok) issues.push({ field, code: checked.code, params: checked.params });
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
  const built = buildConfirmed(member.id, actor, submission, await intakeBlocked(db, member.id));
  if (!built.ok) throw new AppError(built.code, built.params);

  const stored: StoredFile[] = [];
  try {
    stored.push(await files.put('photo', photo.content), await files.put('signature', signature.content));
    const inserted = await db.transaction().execute(async (trx) => {
      const other = await trx.selectFrom('dossiers').select('id').where('member_id', '=', member.id).orderBy('received_at').executeTakeFirst();
      const row = await trx
        .insertInto('dossiers')
        .values({
          id: submission.id,
          member_id: member.id,
          point_id: submission.pointId ?? null,
          mobile_team_id: submission.mobileTeamId ?? null,
          state: 'confirmed',
          data: JSON.stringify(submission.data),
          record: JSON.stringify(built.dossier),
          photo_ref: stored[0]!.ref,
          photo_sha256: stored[0]!.sha256,
          signature_ref: stored[1]!.ref,
          signature_sha256: stored[1]!.sha256,
          payload_sha256: hash,
          submitted_by: actor.userId,
          device_id: submission.deviceId ?? null,
          device_submitted_at: submission.deviceSubmittedAt ?? null,
          // Taken twice (two points, or online and offline): both kept, flagged for the supervisor.
          conflict_with: other?.id ?? null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) await appendAudit(trx, actor, { action: 'dossier.submit', entity: 'dossier', entityId: row.id, details: { memberId: member.id, conflictWith: other?.id ?? null } });
      return row !== undefined;
    });
    if (!inserted) {
      // The same key arrived twice at once: the other request stored it; this one's files are not needed.
      await Promise.all(stored.map((f) => files.delete(f.ref)));
      return (await replay())!;
    }
  } catch (error) {
    await Promise.all(stored.map((f) => files.delete(f.ref).catch(() => {})));
    throw error;
  }
  return { dossier: await dossierView(db, submission.id), replayed: false };
}

/** The supervisor's decision on a confirmed dossier: approve it (then it is ready to send) or return it with a reason. */
export async function reviewDossier(db: Db, actor: Actor, id: string, decision: { approve: true } | { approve: false; reason: string }) {
  requirePermission(actor, 'intake.review');
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('dossiers').select(['member_id', 'record']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row || !(await findMember(trx, actor.scope, row.member_id))) throw new AppError('dossier.not_found', { id });
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
