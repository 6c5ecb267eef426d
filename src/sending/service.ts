/**
 * The province's side of sending (decision 0018): approved dossiers (ready to send) are frozen into a signed batch,
 * streamed to the centre over HTTP, and marked sent when the centre's signed receipt comes back. Sending is idempotent
 * (the batch id is the key; the centre answers a repeat with its first receipt) and retried by a job until the centre
 * answers; a refusal (tampered, unknown key) is kept with the centre's message, never retried blindly.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { sql } from 'kysely';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { translate } from '../platform/i18n/index.ts';
import { FileStoreError, type FileStore } from '../platform/files.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { markSent, type Dossier } from '../intake/domain/dossier.ts';
import type { KeyRing } from '../cards/key-ring.ts';
import { spkiOf } from '../cards/key-ring.ts';
import { verifyKeyList } from '../cards/domain/keys.ts';
import {
  BATCH_CONTENT_TYPE,
  batchHead,
  MAX_BATCH_DOSSIERS,
  pieceFrame,
  signManifest,
  sha256,
  verifyReceipt,
  type Receipt,
} from './domain/batch.ts';

export interface BatchView {
  id: string;
  provinceCode: string;
  state: 'prepared' | 'acknowledged' | 'refused';
  dossiers: number;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  acknowledgedAt: string | null;
  accepted: number | null;
  conflicts: number | null;
}

const batchColumns = ['id', 'province_code', 'state', 'dossiers', 'created_at', 'attempts', 'last_error', 'acknowledged_at', 'accepted', 'conflicts'] as const;

function batchView(r: { id: string; province_code: string; state: BatchView['state']; dossiers: number; created_at: Date; attempts: number; last_error: string | null; acknowledged_at: Date | null; accepted: number | null; conflicts: number | null }): BatchView {
  return {
    id: r.id,
    provinceCode: r.province_code,
    state: r.state,
    dossiers: r.dossiers,
    createdAt: r.created_at.toISOString(),
    attempts: r.attempts,
    lastError: r.last_error,
    acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at).toISOString() : null,
    accepted: r.accepted,
    conflicts: r.conflicts,
  };
}

/** The province the actor sends for: the one asked, if the actor's scope reaches it. */
function sendingProvince(actor: Actor, provinceCode: string | undefined): string {
  requirePermission(actor, 'dossier.send');
  const code = provinceCode ?? actor.scope.provinceCode;
  if (!code || !/^\d{2}$/.test(code)) throw new AppError('validation', {}, [{ field: 'provinceCode', code: 'sending.province_required' }]);
  if (!actor.scope.all && actor.scope.provinceCode !== code) throw new AppError('sending.province.not_found', { code });
  return code;
}

/** Dossiers of the province (in the actor's scope) that are ready to send and in no batch under way or acknowledged. */
function sendable(db: Queryable, actor: Actor, provinceCode: string) {
  return db
    .selectFrom('dossiers as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .where('d.state', '=', 'ready_to_send')
    .where('d.centre_conflict', 'is', null)
    .where('o.province_code', '=', provinceCode)
    .where(organisationInScope(actor.scope, 'o'))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('send_batch_items as i').innerJoin('send_batches as b', 'b.id', 'i.batch_id').select('i.seq').whereRef('i.dossier_id', '=', 'd.id').where('b.state', 'in', ['prepared', 'acknowledged']))),
    );
}

/**
 * Freezes up to `max` sendable dossiers into a batch: each dossier's data as the exact bytes that will travel (built in
 * the database, with its SHA-256), the files' hashes from intake, and the manifest signed by the province key.
 * Answers null when there is nothing to send.
 */
export async function prepareBatch(db: Db, actor: Actor, ring: KeyRing, input: { provinceCode?: string; max?: number } = {}): Promise<BatchView | null> {
  const provinceCode = sendingProvince(actor, input.provinceCode);
  const max = Math.min(Math.max(1, input.max ?? MAX_BATCH_DOSSIERS), MAX_BATCH_DOSSIERS);
  const key = await ring.province(provinceCode);
  return db.transaction().execute(async (trx) => {
    // One preparation per province at a time: two would pick the same dossiers.
    await sql`SELECT pg_advisory_xact_lock(hashtext('send_batches'), ${Number(provinceCode)})`.execute(trx);
    const id = randomUUID();
    const createdAt = new Date();
    await trx.insertInto('send_batches').values({ id, province_code: provinceCode, state: 'prepared', dossiers: 0, manifest: Buffer.alloc(0), created_by: actor.userId, created_at: createdAt }).execute();
    const picked = sendable(trx, actor, provinceCode).select('d.id').orderBy('d.received_at').orderBy('d.id').limit(max);
    await sql`
      INSERT INTO send_batch_items (batch_id, seq, dossier_id, data, data_sha256, photo_ref, photo_sha256, signature_ref, signature_sha256)
      SELECT ${id}::uuid, x.seq, x.id, x.data, sha256(x.data), x.photo_ref, decode(x.photo_sha256, 'hex'), x.signature_ref, decode(x.signature_sha256, 'hex')
      FROM (
        SELECT (row_number() OVER (ORDER BY d.received_at, d.id))::int - 1 AS seq, d.id, d.photo_ref, d.photo_sha256, d.signature_ref, d.signature_sha256,
          convert_to(jsonb_build_object(
            'dossierId', d.id, 'provinceCode', o.province_code, 'personalId', m.personal_id, 'fullName', m.full_name,
            'dateOfBirth', m.date_of_birth, 'birthYear', m.birth_year, 'gender', m.gender, 'hometown', m.hometown,
            'permanentAddress', m.permanent_address, 'temporaryAddress', m.temporary_address, 'ethnicity', m.ethnicity,
            'admittedOn', m.admitted_on, 'officialOn', m.official_on, 'partyCardNumber', m.party_card_number, 'recordNumber', m.record_number,
            'organisation', jsonb_build_object('id', o.id, 'name', o.name, 'kind', o.kind, 'communeCode', o.commune_code),
            'declared', d.data, 'record', d.record, 'signatureOnPaper', d.signature_on_paper, 'pointId', d.point_id,
            'mobileTeamId', d.mobile_team_id, 'receivedAt', d.received_at)::text, 'UTF8') AS data
        FROM dossiers d JOIN members m ON m.id = d.member_id JOIN organisations o ON o.id = m.organisation_id
        WHERE d.id IN (${picked}) AND d.photo_ref IS NOT NULL AND d.photo_sha256 IS NOT NULL
      ) x`.execute(trx);
    const items = await trx
      .selectFrom('send_batch_items as i')
      .innerJoin('dossiers as d', 'd.id', 'i.dossier_id')
      .innerJoin('members as m', 'm.id', 'd.member_id')
      .select(['i.dossier_id', 'm.personal_id', 'i.data_sha256', 'i.photo_sha256', 'i.signature_sha256'])
      .where('i.batch_id', '=', id)
      .orderBy('i.seq')
      .execute();
    if (!items.length) {
      await trx.deleteFrom('send_batches').where('id', '=', id).execute();
      return null;
    }
    const manifest = signManifest(
      {
        batchId: id,
        provinceCode,
        createdAt: createdAt.toISOString(),
        entries: items.map((i) => ({ dossierId: i.dossier_id, personalId: i.personal_id, data: i.data_sha256, photo: i.photo_sha256, signature: i.signature_sha256 })),
      },
      key,
    );
    await trx.updateTable('send_batches').set({ manifest, dossiers: items.length }).where('id', '=', id).execute();
    await appendAudit(trx, actor, { action: 'batch.prepare', entity: 'send_batch', entityId: id, details: { provinceCode, dossiers: items.length } });
    return batchView(await trx.selectFrom('send_batches').select(batchColumns).where('id', '=', id).executeTakeFirstOrThrow());
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Sending.

/** How the province reaches the centre: its base URL (a function when only known once the server listens). */
export interface CentreLink {
  url: string | (() => string);
}

/** Why a send did not end with a receipt: the centre refused the batch (final), or it could not be reached (retry). */
export class SendError extends Error {
  constructor(
    message: string,
    readonly final: boolean,
  ) {
    super(message);
    this.name = 'SendError';
  }

  /** A failure told in Vietnamese (what the batch list shows). */
  static of(code: string, params: Record<string, string | number>, final: boolean): SendError {
    return new SendError(translate(code, params), final);
  }
}

const FILE_GROUP = 64;
const SEND_IDLE_MS = 120_000;

/** The batch's body, produced as it is sent: the head and manifest, then each dossier's data, photo and signature. */
export async function* batchBody(db: Db, files: FileStore, batchId: string, manifest: Buffer): AsyncGenerator<Buffer[]> {
  yield [batchHead(manifest)];
  const page = (after: number) =>
    db.selectFrom('send_batch_items').select(['seq', 'dossier_id', 'data', 'photo_ref', 'signature_ref']).where('batch_id', '=', batchId).where('seq', '>', after).orderBy('seq').limit(1000).execute();
  let next = page(-1);
  for (;;) {
    const rows = await next;
    if (!rows.length) return;
    // The next page is asked for while this one's files go out.
    next = page(rows[rows.length - 1]!.seq);
    next.catch(() => undefined);
    // Files are read in groups by the store's reader thread, the next group while this one goes out.
    const group = (from: number) => {
      const slice = rows.slice(from, from + FILE_GROUP);
      const refs = slice.flatMap((r) => (r.signature_ref ? [r.photo_ref, r.signature_ref] : [r.photo_ref]));
      const read = files.getMany(refs).catch((error: unknown) => {
        // A file the store cannot give (gone, corrupt) will not come back by retrying: the batch is refused, naming it.
        if (!(error instanceof FileStoreError)) throw error;
        const dossierId = slice.find((r) => r.photo_ref === error.ref || r.signature_ref === error.ref)?.dossier_id ?? slice[0]!.dossier_id;
        throw SendError.of('sending.file_unreadable', { dossierId }, true);
      });
      read.catch(() => undefined);
      return { slice, read };
    };
    let current = group(0);
    for (let from = 0; from < rows.length; from += FILE_GROUP) {
      const ahead = from + FILE_GROUP < rows.length ? group(from + FILE_GROUP) : undefined;
      const contents = await current.read;
      let at = 0;
      for (const r of current.slice) {
        const photo = contents[at++]!;
        const signature = r.signature_ref ? contents[at++]! : null;
        yield [...pieceFrame(r.data), ...pieceFrame(photo), ...pieceFrame(signature)];
      }
      if (ahead) current = ahead;
    }
  }
}

/**
 * POSTs a body produced piece by piece (node:http: each piece is written as it is, the next waits while the socket
 * is full), and answers the status and the (small) answer's bytes.
 */
async function postStreamed(url: string, contentType: string, body: AsyncIterable<Buffer[]>): Promise<{ status: number; body: Buffer }> {
  const target = new URL(url);
  const request = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' } });
  // A centre that stops answering (nothing read or written for two minutes) fails the attempt; the job tries again.
  request.setTimeout(SEND_IDLE_MS, () => request.destroy(new Error(`no answer for ${SEND_IDLE_MS / 1000} s`)));
  const answered = new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.once('error', reject);
    });
  });
  // The centre may answer (a refusal) before the upload ends: the answer then wins, and a write cut short by the centre
  // closing is no longer anyone's error.
  let done = false;
  const settle = () => {
    done = true;
    request.on('error', () => undefined);
  };
  answered.then(settle, settle);
  try {
    for await (const pieces of body) {
      if (done) break;
      request.cork();
      let full = false;
      for (const piece of pieces) full = !request.write(piece) || full;
      process.nextTick(() => request.uncork());
      if (full) await Promise.race([once(request, 'drain'), answered]);
    }
    request.end();
  } catch (error) {
    request.destroy(error as Error);
  }
  return answered;
}

/** The centre's issuer keys as the province trusts them: the published key list, checked against the root key. */
async function centreKeys(base: string, ring: KeyRing) {
  const response = await fetch(`${base}/api/public/issuer-keys`, { signal: AbortSignal.timeout(30_000) }).catch((error: Error) => {
    throw SendError.of('sending.keys_unavailable', { detail: error.message }, false);
  });
  if (!response.ok) throw SendError.of('sending.keys_unavailable', { detail: `HTTP ${response.status}` }, false);
  // The centre may have committed the batch already: a receipt that cannot be checked here is never a refusal (which
  // would free the dossiers for another batch); the batch waits, retried, until the province can check it.
  const root = await ring.rootPublic().catch((error: unknown) => {
    throw new SendError(error instanceof AppError ? translate(error.code, error.params) : String(error), false);
  });
  const list = verifyKeyList(Buffer.from(await response.arrayBuffer()), root);
  if (!list.ok) throw SendError.of('sending.keys_unavailable', { detail: `batch.problem.${list.problem}` }, false);
  return list.keyOf;
}

/**
 * Sends a prepared batch and records the centre's answer. An acknowledged batch is not sent again. Throws a SendError
 * when there is no receipt (final: refused; otherwise retry later).
 */
export async function sendBatch(db: Db, ring: KeyRing, files: FileStore, centre: CentreLink, batchId: string): Promise<BatchView> {
  const batch = await db.selectFrom('send_batches').select([...batchColumns, 'manifest']).where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw new AppError('sending.batch.not_found', { id: batchId });
  if (batch.state === 'acknowledged') return batchView(batch);
  const base = (typeof centre.url === 'function' ? centre.url() : centre.url).replace(/\/$/, '');
  await db.updateTable('send_batches').set({ attempts: sql`attempts + 1` }).where('id', '=', batchId).execute();
  let response: { status: number; body: Buffer };
  try {
    response = await postStreamed(`${base}/api/centre/batches/${batchId}`, BATCH_CONTENT_TYPE, batchBody(db, files, batchId, batch.manifest));
  } catch (error) {
    return failed(db, batchId, error instanceof SendError ? error : SendError.of('sending.network', { detail: (error as Error).message }, false));
  }
  const answer = (() => {
    try {
      return JSON.parse(response.body.toString('utf8')) as { receipt?: string; error?: { code?: string; message?: string } };
    } catch {
      return null;
    }
  })();
  if (response.status !== 200 || !answer?.receipt) {
    // 4xx is the centre's verdict on this batch; a 5xx or a gateway's page is a failure to try again.
    const final = response.status >= 400 && response.status < 500;
    return failed(db, batchId, answer?.error?.message ? new SendError(answer.error.message, final) : SendError.of('sending.http', { status: response.status }, final));
  }
  const keyOf = await centreKeys(base, ring).catch((error: SendError) => failed(db, batchId, error));
  const verified = verifyReceipt(Buffer.from(answer.receipt, 'base64'), keyOf);
  if (!verified.ok) return failed(db, batchId, SendError.of('sending.receipt_invalid', { problem: `batch.problem.${verified.problem}` }, false));
  const receipt = verified.receipt;
  if (receipt.batchId !== batchId || !receipt.manifestSha256.equals(sha256(batch.manifest)) || receipt.dossiers !== batch.dossiers) {
    return failed(db, batchId, SendError.of('sending.receipt_invalid', { problem: 'batch.problem.receipt_other' }, false));
  }
  await acknowledge(db, batchId, Buffer.from(answer.receipt, 'base64'), receipt);
  return batchView(await db.selectFrom('send_batches').select(batchColumns).where('id', '=', batchId).executeTakeFirstOrThrow());
}

async function failed(db: Db, batchId: string, error: SendError): Promise<never> {
  await db
    .updateTable('send_batches')
    .set({ last_error: error.message.slice(0, 500), ...(error.final ? { state: 'refused' as const } : {}) })
    .where('id', '=', batchId)
    .where('state', '=', 'prepared')
    .execute();
  throw error;
}

const ACK_CHUNK = 2000;

/** The receipt is kept; accepted dossiers become sent (step 6), conflicts keep the centre's answer for the supervisor. */
async function acknowledge(db: Db, batchId: string, signedReceipt: Buffer, receipt: Receipt): Promise<void> {
  const conflictOf = new Map(receipt.conflicts.map((c) => [c.dossierId, c]));
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('send_batches')
      .set({ state: 'acknowledged', receipt: signedReceipt, acknowledged_at: new Date(receipt.receivedAt), accepted: receipt.dossiers - receipt.conflicts.length, conflicts: receipt.conflicts.length, last_error: null })
      .where('id', '=', batchId)
      .where('state', '<>', 'acknowledged')
      .executeTakeFirst();
    if (!updated.numUpdatedRows) return;
    const when = { at: receipt.receivedAt };
    let after = -1;
    for (;;) {
      const rows = await trx
        .selectFrom('send_batch_items as i')
        .innerJoin('dossiers as d', 'd.id', 'i.dossier_id')
        .select(['i.seq', 'd.id', 'd.record'])
        .where('i.batch_id', '=', batchId)
        .where('i.seq', '>', after)
        .where('d.state', '=', 'ready_to_send')
        .orderBy('i.seq')
        .limit(ACK_CHUNK)
        .forUpdate()
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1]!.seq;
      const sent = rows.filter((r) => !conflictOf.has(r.id)).map((r) => ({ id: r.id, result: markSent(r.record as Dossier, 'centre', when) }));
      const moved = sent.flatMap((s) => (s.result.ok ? [{ id: s.id, record: JSON.stringify(s.result.dossier) }] : []));
      if (moved.length) {
        await sql`UPDATE dossiers d SET state = 'sent', record = u.record::jsonb FROM unnest(${moved.map((m) => m.id)}::uuid[], ${moved.map((m) => m.record)}::text[]) AS u(id, record) WHERE d.id = u.id`.execute(trx);
      }
      const conflicted = rows.filter((r) => conflictOf.has(r.id));
      if (conflicted.length) {
        await sql`UPDATE dossiers d SET centre_conflict = u.c::jsonb FROM unnest(${conflicted.map((r) => r.id)}::uuid[], ${conflicted.map((r) => JSON.stringify(conflictOf.get(r.id)))}::text[]) AS u(id, c) WHERE d.id = u.id`.execute(trx);
      }
    }
  });
}

/** The one-machine setup: the province's key is enrolled at the (local) centre, as an administrator would there. */
export async function enrolProvinceKey(db: Db, provinceCode: string, key: { kid: string; spki: Buffer }): Promise<void> {
  await db.insertInto('centre_province_keys').values({ kid: key.kid, province_code: provinceCode, spki: key.spki }).onConflict((oc) => oc.column('kid').doNothing()).execute();
}

export async function enrolLocalProvince(db: Db, ring: KeyRing, provinceCode: string): Promise<void> {
  const key = await ring.province(provinceCode);
  await enrolProvinceKey(db, provinceCode, { kid: key.kid, spki: spkiOf(key.privateKey) });
}

export async function listBatches(db: Db, actor: Actor, provinceCode?: string): Promise<BatchView[]> {
  requirePermission(actor, 'dossier.send');
  let query = db.selectFrom('send_batches').select(batchColumns).orderBy('created_at', 'desc').limit(100);
  if (!actor.scope.all) query = query.where('province_code', '=', actor.scope.provinceCode ?? '');
  if (provinceCode) query = query.where('province_code', '=', provinceCode);
  return (await query.execute()).map(batchView);
}

/** A refused (or stalled) batch of the actor's province is put back to be sent again. */
export async function requeueBatch(db: Db, actor: Actor, id: string): Promise<BatchView> {
  requirePermission(actor, 'dossier.send');
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('send_batches').select(batchColumns).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row || (!actor.scope.all && row.province_code !== actor.scope.provinceCode)) throw new AppError('sending.batch.not_found', { id });
    if (row.state !== 'refused') return batchView(row);
    // Its dossiers may have gone into a newer batch meanwhile: then this one stays refused.
    const taken = await trx
      .selectFrom('send_batch_items as i')
      .innerJoin('send_batch_items as o', 'o.dossier_id', 'i.dossier_id')
      .innerJoin('send_batches as b', 'b.id', 'o.batch_id')
      .select('b.id')
      .where('i.batch_id', '=', id)
      .where('b.id', '<>', id)
      .where('b.state', 'in', ['prepared', 'acknowledged'])
      .executeTakeFirst();
    if (taken) throw new AppError('sending.batch_superseded', { other: taken.id });
    await trx.updateTable('send_batches').set({ state: 'prepared' }).where('id', '=', id).execute();
    await appendAudit(trx, actor, { action: 'batch.resend', entity: 'send_batch', entityId: id, details: {} });
    return { ...batchView(row), state: 'prepared' as const };
  });
}
