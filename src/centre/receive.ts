/**
 * The centre receives a province's batch (decision 0018): the manifest's signature against the province keys it
 * enrolled, then every piece against the manifest as it streams in. The first difference refuses the batch whole
 * (nothing stored, the rest of the upload read and dropped so the sender gets the answer). A batch received before is
 * answered with its receipt again; the same batch id with another manifest is refused.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import { copyField, copyInto, withClientTransaction, type Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { FramedReader } from '../common/streams.ts';
import { publicKeyFromSpki, type KeyRing } from '../cards/key-ring.ts';
import { kidOfCoseStart } from '../cards/domain/cose.ts';
import {
  BATCH_MAGIC,
  MAX_MANIFEST_BYTES,
  MAX_PIECE,
  resolveEntries,
  sha256,
  signReceipt,
  verifyManifest,
  type KnownRecord,
  type Manifest,
} from '../sending/domain/batch.ts';
import { pieceLabel, type BatchContentStore, type PieceAt } from './batch-content.ts';

export interface ReceivedBatch {
  /** The signed receipt (verifyReceipt reads it). */
  receipt: Buffer;
  /** The batch had been received before: this is its first receipt again. */
  replay: boolean;
}

/** The enrolled, enabled province key with this id. */
async function provinceKey(db: Db, kid: string) {
  return db.selectFrom('centre_province_keys').select(['kid', 'province_code', 'spki']).where('kid', '=', kid).where('disabled_at', 'is', null).executeTakeFirst();
}

/** Reads the head and the manifest, and checks the manifest's signature and sender. */
async function readManifest(db: Db, reader: FramedReader, batchId: string): Promise<{ manifest: Manifest; kid: string; signed: Buffer }> {
  const magic = await reader.exactly(4);
  if (!magic || !magic.equals(BATCH_MAGIC)) throw new AppError('centre.batch_malformed', { detail: 'magic' });
  const length = await reader.uint32();
  if (length === undefined || length === 0 || length > MAX_MANIFEST_BYTES) throw new AppError('centre.batch_malformed', { detail: 'manifest length' });
  // The signer first, from the manifest's first bytes: an unknown one is refused before the rest is read.
  const start = await reader.exactly(Math.min(length, 256));
  if (!start) throw new AppError('centre.batch_malformed', { detail: 'manifest truncated' });
  const kid = kidOfCoseStart(start);
  if (kid === undefined) throw new AppError('centre.manifest_invalid', { problem: 'batch.problem.not_cose' });
  const known = await provinceKey(db, kid);
  if (!known) throw new AppError('centre.unknown_province_key', { kid });
  const rest = length > start.length ? await reader.exactly(length - start.length) : Buffer.alloc(0);
  if (!rest) throw new AppError('centre.batch_malformed', { detail: 'manifest truncated' });
  const signed = Buffer.concat([start, rest]);
  const verified = verifyManifest(signed, (kid) => (kid === known.kid ? publicKeyFromSpki(known.spki) : undefined));
  if (!verified.ok) throw new AppError('centre.manifest_invalid', { problem: `batch.problem.${verified.problem}` });
  if (verified.manifest.provinceCode !== known.province_code) throw new AppError('centre.manifest_invalid', { problem: 'batch.problem.province' });
  if (verified.manifest.batchId !== batchId) throw new AppError('centre.manifest_invalid', { problem: 'batch.problem.batch_id' });
  return { manifest: verified.manifest, kid: verified.kid, signed };
}

interface StoredEntry {
  /**
   * The data as sent (UTF-8 JSON, checked to name the manifest's member), held until the commit. Kept as bytes, copied
   * out of the network chunk: as a JS string Vietnamese text takes two bytes a character, and a view would hold the
   * whole chunk it came in.
   */
  data: Buffer;
  photo: PieceAt;
  signature: PieceAt | null;
}

export async function receiveBatch(db: Db, pool: pg.Pool, ring: KeyRing, content: BatchContentStore, batchId: string, body: AsyncIterable<Buffer>): Promise<ReceivedBatch> {
  const reader = new FramedReader(body);
  // Whatever the answer — a refusal, a replay — it is given once the upload is read to its end: any HTTP client then
  // gets it (an answer before the end of an upload reaches many as a broken connection, and unread bytes would start
  // the next request on a kept-alive one). A refused signer's upload is read and dropped, never hashed or kept.
  try {
    const { manifest, kid, signed } = await readManifest(db, reader, batchId);
    const manifestSha256 = sha256(signed);
    const before = await db.selectFrom('centre_batches').select(['manifest_sha256', 'receipt']).where('id', '=', batchId).executeTakeFirst();
    if (before) {
      if (!before.manifest_sha256.equals(manifestSha256)) throw new AppError('centre.batch_reused');
      await reader.drain();
      return { receipt: before.receipt, replay: true };
    }
    const writer = await content.writer(batchId);
    let file: string;
    const stored: StoredEntry[] = [];
    try {
      for (const [seq, entry] of manifest.entries.entries()) {
        const tampered = (part: string) => new AppError('centre.batch_tampered', { entry: seq + 1, dossierId: entry.dossierId, part: `batch.part.${part}` });
        const truncated = () => new AppError('centre.batch_malformed', { detail: `entry ${seq + 1} truncated` });
        // The data whole (it is parsed); the photo and signature hashed and encrypted as they stream through.
        const dataLength = await reader.uint32();
        if (dataLength === undefined) throw truncated();
        if (dataLength === 0 || dataLength > MAX_PIECE.data) throw tampered('data');
        const dataBytes = await reader.exactly(dataLength);
        if (!dataBytes) throw truncated();
        if (!sha256(dataBytes).equals(entry.data)) throw tampered('data');
        if (!parseData(dataBytes, entry.personalId)) throw tampered('data');
        const files: Partial<Record<'photo' | 'signature', PieceAt | null>> = {};
        for (const part of ['photo', 'signature'] as const) {
          const length = await reader.uint32();
          if (length === undefined) throw truncated();
          const expected = entry[part];
          if (length > MAX_PIECE[part] || (expected === null) !== (length === 0)) throw tampered(part);
          if (length === 0) {
            files[part] = null;
            continue;
          }
          const hash = createHash('sha256');
          const piece = writer.begin(pieceLabel(batchId, seq, part));
          const complete = await reader.through(length, (chunk) => {
            hash.update(chunk);
            piece.update(chunk);
          });
          if (!complete) throw truncated();
          if (!hash.digest().equals(expected!)) throw tampered(part);
          files[part] = await piece.end();
        }
        stored.push({ data: Buffer.from(dataBytes), photo: files.photo!, signature: files.signature ?? null });
      }
      if (!(await reader.atEnd())) throw new AppError('centre.batch_malformed', { detail: 'trailing bytes' });
      file = await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    // A failed commit keeps the file: whether the commit reached the database is not always knowable (an orphan costs
    // disk, a removed file of a committed batch would cost photos).
    const committed = await commitBatch(pool, ring, db, { manifest, kid, manifestSha256, file, stored });
    if (committed.replay) await content.remove(file);
    if (!committed.sameManifest) throw new AppError('centre.batch_reused');
    return { receipt: committed.receipt, replay: committed.replay };
  } catch (error) {
    await reader.drain().catch(() => undefined);
    throw error;
  }
}

/** Whether the dossier's data as sent is a JSON object naming the manifest's member. */
function parseData(bytes: Buffer, personalId: string): boolean {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    return Boolean(value) && typeof value === 'object' && !Array.isArray(value) && (value as Record<string, unknown>).personalId === personalId;
  } catch {
    return false;
  }
}

const RECORD_COLUMNS = ['dossier_id', 'batch_id', 'seq', 'province_code', 'personal_id', 'data', 'photo_offset', 'photo_length', 'signature_offset', 'signature_length', 'status', 'conflict_with', 'received_at'] as const;

async function commitBatch(
  pool: pg.Pool,
  ring: KeyRing,
  db: Db,
  batch: { manifest: Manifest; kid: string; manifestSha256: Buffer; file: string; stored: StoredEntry[] },
): Promise<ReceivedBatch & { sameManifest: boolean }> {
  const { manifest } = batch;
  const issuer = await ring.issuer(db);
  // One client for the transaction: the records go in by COPY (a batch is up to 200,000 rows).
  return withClientTransaction(pool, async (trx, client) => {
    // One batch decides at a time: who holds a member is read and written under this lock.
    await sql`SELECT pg_advisory_xact_lock(hashtext('centre_records'))`.execute(trx);
    // Another upload of this batch committed while this one streamed: its receipt is the answer, this file is not needed.
    const replayed = await trx.selectFrom('centre_batches').select(['manifest_sha256', 'receipt']).where('id', '=', manifest.batchId).executeTakeFirst();
    if (replayed) return { receipt: replayed.receipt, replay: true, sameManifest: replayed.manifest_sha256.equals(batch.manifestSha256) };
    const ids = manifest.entries.map((e) => e.dossierId);
    const personalIds = [...new Set(manifest.entries.map((e) => e.personalId))];
    const known = await trx
      .selectFrom('centre_records as r')
      .leftJoin('centre_records as a', 'a.dossier_id', 'r.conflict_with')
      .select(['r.dossier_id', 'a.dossier_id as acceptedDossierId', 'a.province_code as acceptedProvinceCode'])
      .where('r.dossier_id', '=', sql<string>`ANY(${ids}::uuid[])`)
      .execute();
    const accepted = await trx
      .selectFrom('centre_records')
      .select(['personal_id', 'dossier_id', 'province_code'])
      .where('status', '=', 'accepted')
      .where('personal_id', '=', sql<string>`ANY(${personalIds}::text[])`)
      .execute();
    const acceptedByMember = new Map<string, KnownRecord>(accepted.map((r) => [r.personal_id, { dossierId: r.dossier_id, provinceCode: r.province_code }]));
    const held = new Map(known.map((k) => [k.dossier_id, k.acceptedDossierId ? { dossierId: k.acceptedDossierId, provinceCode: k.acceptedProvinceCode! } : null]));
    const { store, conflicts } = resolveEntries(manifest.entries, manifest.provinceCode, acceptedByMember, held);
    const receivedAt = new Date().toISOString();
    const receipt = signReceipt(
      { batchId: manifest.batchId, manifestSha256: batch.manifestSha256, provinceCode: manifest.provinceCode, receivedAt, dossiers: manifest.entries.length, conflicts: conflicts.map(({ seq: _seq, ...c }) => c) },
      issuer,
    );
    await trx
      .insertInto('centre_batches')
      .values({
        id: manifest.batchId,
        province_code: manifest.provinceCode,
        kid: batch.kid,
        manifest_sha256: batch.manifestSha256,
        dossiers: manifest.entries.length,
        accepted: manifest.entries.length - conflicts.length,
        conflicts: conflicts.length,
        content_file: batch.file,
        receipt,
        received_at: new Date(receivedAt),
      })
      .execute();
    const conflictOf = new Map(conflicts.map((c) => [c.seq, c]));
    // The lines are made as COPY takes them: a batch's lines all at once would double what the commit holds.
    function* lines() {
      for (const s of store) {
        const entry = manifest.entries[s]!;
        const stored = batch.stored[s]!;
        const conflict = conflictOf.get(s);
        const row = [entry.dossierId, manifest.batchId, s, manifest.provinceCode, entry.personalId, stored.data.toString('utf8'), stored.photo.offset, stored.photo.length, stored.signature?.offset ?? null, stored.signature?.length ?? null, conflict ? 'conflict' : 'accepted', conflict?.acceptedDossierId ?? null, receivedAt];
        yield row.map(copyField).join('\t') + '\n';
      }
    }
    await copyInto(client, 'centre_records', RECORD_COLUMNS, lines());
    return { receipt, replay: false, sameManifest: true };
  });
}
