/**
 * A batch of dossiers sent by a province to the centre (decision 0018), as it travels:
 *
 *   "DTB1" | u32 manifest length | manifest (COSE_Sign1 by the province key) | then per manifest entry, in order:
 *   u32 length | data (UTF-8 JSON) | u32 length | photo | u32 length | signature (length 0: signed on paper, no scan)
 *
 * The manifest lists each dossier with the SHA-256 of its data, photo and signature; the centre checks every piece
 * against it as it streams in and refuses the batch whole on the first difference. The receipt the centre signs names
 * the manifest it answers (its SHA-256) and the dossiers it did not accept; every other entry was accepted.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { cbor, decodeMap, signCose, verifyCose, type CoseProblem, type SigningKey } from '../../cards/domain/cose.ts';

export const BATCH_MAGIC = Buffer.from('DTB1');
export const BATCH_CONTENT_TYPE = 'application/vnd.doithe.batch';
/** Pieces larger than these are refused before they are read (the intake limits, with room). */
export const MAX_PIECE = { data: 1 << 20, photo: 8 << 20, signature: 8 << 20 } as const;
/** 200,000 entries of about 155 bytes, with room. */
export const MAX_MANIFEST_BYTES = 40 << 20;
export const MAX_BATCH_DOSSIERS = 200_000;

export interface ManifestEntry {
  dossierId: string;
  personalId: string;
  data: Buffer;
  photo: Buffer;
  /** null: signed on paper with no scan. */
  signature: Buffer | null;
}

export interface Manifest {
  batchId: string;
  provinceCode: string;
  createdAt: string;
  entries: ManifestEntry[];
}

export const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

export function signManifest(manifest: Manifest, key: SigningKey): Buffer {
  const entries = manifest.entries.map((e) => [e.dossierId, e.personalId, e.data, e.photo, e.signature]);
  return signCose(cbor.encode(new Map<number, unknown>([[1, manifest.batchId], [2, manifest.provinceCode], [3, manifest.createdAt], [4, entries]])), key);
}

export type ManifestResult = { ok: true; kid: string; manifest: Manifest } | { ok: false; problem: CoseProblem | 'bad_manifest'; kid?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isHash = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.length === 32;

export function verifyManifest(bytes: Uint8Array, keyOf: (kid: string) => KeyObject | undefined): ManifestResult {
  const verified = verifyCose(bytes, keyOf);
  if (!verified.ok) return verified;
  const bad = { ok: false, problem: 'bad_manifest', kid: verified.kid } as const;
  const map = decodeMap(verified.payload);
  const [batchId, provinceCode, createdAt, rawEntries] = [map?.get(1), map?.get(2), map?.get(3), map?.get(4)];
  if (typeof batchId !== 'string' || !UUID.test(batchId) || typeof provinceCode !== 'string' || !/^\d{2}$/.test(provinceCode)) return bad;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || !Array.isArray(rawEntries)) return bad;
  if (rawEntries.length === 0 || rawEntries.length > MAX_BATCH_DOSSIERS) return bad;
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  for (const raw of rawEntries as unknown[]) {
    if (!Array.isArray(raw) || raw.length !== 5) return bad;
    const [dossierId, personalId, data, photo, signature] = raw as unknown[];
    if (typeof dossierId !== 'string' || !UUID.test(dossierId) || seen.has(dossierId) || typeof personalId !== 'string' || !/^\d{12}$/.test(personalId)) return bad;
    if (!isHash(data) || !isHash(photo) || (signature !== null && !isHash(signature))) return bad;
    seen.add(dossierId);
    entries.push({ dossierId, personalId, data: Buffer.from(data), photo: Buffer.from(photo), signature: signature === null ? null : Buffer.from(signature) });
  }
  return { ok: true, kid: verified.kid, manifest: { batchId, provinceCode, createdAt, entries } };
}

/** The start of a batch's body: magic, manifest length, manifest. */
export function batchHead(signedManifest: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(signedManifest.length);
  return Buffer.concat([BATCH_MAGIC, length, signedManifest]);
}

/** A piece's frame: its length, then the bytes (none for an absent signature). */
export function pieceFrame(bytes: Buffer | null): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes?.length ?? 0);
  return bytes ? [length, bytes] : [length];
}

// ---------------------------------------------------------------------------------------------------------------------
// The receipt.

export type ConflictReason = 'member_taken' | 'member_twice_in_batch';

export interface ReceiptConflict {
  dossierId: string;
  reason: ConflictReason;
  /** The dossier the centre accepted before for this member, and the province that sent it. */
  acceptedDossierId: string;
  acceptedProvinceCode: string;
}

export interface Receipt {
  batchId: string;
  manifestSha256: Buffer;
  provinceCode: string;
  receivedAt: string;
  dossiers: number;
  conflicts: ReceiptConflict[];
}

export function signReceipt(receipt: Receipt, key: SigningKey): Buffer {
  const conflicts = receipt.conflicts.map((c) => [c.dossierId, c.reason, c.acceptedDossierId, c.acceptedProvinceCode]);
  return signCose(
    cbor.encode(new Map<number, unknown>([[1, receipt.batchId], [2, receipt.manifestSha256], [3, receipt.provinceCode], [4, receipt.receivedAt], [5, receipt.dossiers], [6, conflicts]])),
    key,
  );
}

export type ReceiptResult = { ok: true; kid: string; receipt: Receipt } | { ok: false; problem: CoseProblem | 'bad_receipt'; kid?: string };

export function verifyReceipt(bytes: Uint8Array, keyOf: (kid: string) => KeyObject | undefined): ReceiptResult {
  const verified = verifyCose(bytes, keyOf);
  if (!verified.ok) return verified;
  const bad = { ok: false, problem: 'bad_receipt', kid: verified.kid } as const;
  const map = decodeMap(verified.payload);
  const [batchId, manifestSha256, provinceCode, receivedAt, dossiers, conflicts] = [1, 2, 3, 4, 5, 6].map((k) => map?.get(k));
  if (typeof batchId !== 'string' || !isHash(manifestSha256) || typeof provinceCode !== 'string' || typeof receivedAt !== 'string') return bad;
  if (!Number.isSafeInteger(dossiers) || !Array.isArray(conflicts)) return bad;
  const parsed: ReceiptConflict[] = [];
  for (const c of conflicts as unknown[]) {
    if (!Array.isArray(c) || c.length !== 4 || !c.every((v) => typeof v === 'string')) return bad;
    const [dossierId, reason, acceptedDossierId, acceptedProvinceCode] = c as string[];
    if (reason !== 'member_taken' && reason !== 'member_twice_in_batch') return bad;
    parsed.push({ dossierId: dossierId!, reason, acceptedDossierId: acceptedDossierId!, acceptedProvinceCode: acceptedProvinceCode! });
  }
  return { ok: true, kid: verified.kid, receipt: { batchId, manifestSha256: Buffer.from(manifestSha256), provinceCode, receivedAt, dossiers: dossiers as number, conflicts: parsed } };
}

// ---------------------------------------------------------------------------------------------------------------------
// Which entries the centre accepts.

export interface KnownRecord {
  dossierId: string;
  provinceCode: string;
}

/**
 * The centre's rule for a verified batch: one accepted dossier per member nationwide. An entry whose member already
 * has an accepted dossier (sent before, by any province), or that repeats a member earlier in the same batch, is a
 * conflict returned to the sender; an entry whose dossier the centre already holds (the same dossier sent again in a
 * new batch) is not stored twice, and is answered as it was the first time (a conflict again, if it was one).
 * `known`: dossiers the centre holds → the accepted record a held conflict names, or null when it was accepted.
 */
export function resolveEntries(
  entries: readonly Pick<ManifestEntry, 'dossierId' | 'personalId'>[],
  provinceCode: string,
  acceptedByMember: ReadonlyMap<string, KnownRecord>,
  known: ReadonlyMap<string, KnownRecord | null>,
): { store: number[]; conflicts: (ReceiptConflict & { seq: number })[] } {
  const taken = new Map(acceptedByMember);
  const inBatch = new Set<string>();
  const store: number[] = [];
  const conflicts: (ReceiptConflict & { seq: number })[] = [];
  entries.forEach((entry, seq) => {
    if (known.has(entry.dossierId)) {
      const heldAgainst = known.get(entry.dossierId);
      if (heldAgainst) conflicts.push({ seq, dossierId: entry.dossierId, reason: 'member_taken', acceptedDossierId: heldAgainst.dossierId, acceptedProvinceCode: heldAgainst.provinceCode });
      return;
    }
    store.push(seq);
    const before = taken.get(entry.personalId);
    if (before) {
      const reason: ConflictReason = inBatch.has(entry.personalId) ? 'member_twice_in_batch' : 'member_taken';
      conflicts.push({ seq, dossierId: entry.dossierId, reason, acceptedDossierId: before.dossierId, acceptedProvinceCode: before.provinceCode });
    } else {
      taken.set(entry.personalId, { dossierId: entry.dossierId, provinceCode });
      inBatch.add(entry.personalId);
    }
  });
  return { store, conflicts };
}
