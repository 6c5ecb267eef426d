import { createHash } from 'node:crypto';

/** The fields of an audit entry that its hash covers. */
export interface AuditFields {
  at: string;
  actorId: string | null;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  scope: string | null;
  details: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Stable JSON: object keys sorted, so the hash does not depend on key order after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(prevHash: string, fields: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
}

export interface StoredEntry extends AuditFields {
  id: string;
  prevHash: string;
  hash: string;
}

export type VerifyResult =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; brokenAt: string; reason: 'hash_mismatch' | 'chain_broken' };

/** Walks entries in id order; any edited, inserted or deleted entry (except the newest ones) breaks the chain. */
export function verifyChain(entries: Iterable<StoredEntry>, state = { prev: GENESIS_HASH, count: 0 }): VerifyResult {
  for (const entry of entries) {
    state.count++;
    if (entry.prevHash !== state.prev) return { ok: false, entries: state.count, brokenAt: entry.id, reason: 'chain_broken' };
    const { id: _id, prevHash: _prev, hash: _hash, ...fields } = entry;
    if (entryHash(entry.prevHash, fields) !== entry.hash) return { ok: false, entries: state.count, brokenAt: entry.id, reason: 'hash_mismatch' };
    state.prev = entry.hash;
  }
  return { ok: true, entries: state.count, headHash: state.prev };
}
