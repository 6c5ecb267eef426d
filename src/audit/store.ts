import { sql } from 'kysely';
import { inTransaction, type Queryable } from '../platform/db.ts';
import { describeScope, type Actor } from '../platform/scope.ts';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type AuditFields, type StoredEntry, type VerifyResult } from './domain.ts';

export interface AuditEvent {
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends to the hash chain inside the caller's transaction, so the entry exists exactly when the change does.
 * A transaction-scoped advisory lock serialises appenders so each sees the true previous hash.
 */
export async function appendAudit(db: Queryable, actor: Actor, events: AuditEvent | AuditEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  // Called outside a transaction (a read's audit entry), it makes its own: the lock must hold until the insert.
  await inTransaction(db, (trx) => appendInTransaction(trx, actor, list));
}

/** An entry's hashed fields, as the chain records them (at: now). */
function entryFields(actor: Actor, event: AuditEvent): AuditFields {
  return {
    at: new Date().toISOString(),
    actorId: actor.userId,
    actor: actor.username,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId ?? null,
    scope: describeScope(actor.scope),
    details: event.details ?? null,
  };
}

async function appendInTransaction(db: Queryable, actor: Actor, events: AuditEvent[]): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7242002)`.execute(db);
  const last = await db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const rows = events.map((event) => {
    const fields = entryFields(actor, event);
    const hash = entryHash(prev, fields);
    const row = {
      at: fields.at,
      actor_id: fields.actorId,
      actor: fields.actor,
      action: fields.action,
      entity: fields.entity,
      entity_id: fields.entityId,
      scope: fields.scope,
      details: fields.details === null ? null : JSON.stringify(fields.details),
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return row;
  });
  await db.insertInto('audit_log').values(rows).execute();
}

/** Stands in an entry's details for the one value PostgreSQL fills in (see entryAroundHole). */
const HOLE = '\u0000doithe-audit-hole\u0000';

/**
 * An entry that PostgreSQL chains itself (migration 0028, receive_dossiers: a received dossier's entry, in the same call
 * as its insert) when one value of its details is known only there. The details' `hole` key is that value: the
 * entry's canonical text is cut around it (`before`, `after`), and the database puts the value's JSON between them
 * before hashing, by this chain's rule (domain.ts entryHash).
 */
export function entryAroundHole(actor: Actor, event: AuditEvent & { details: Record<string, unknown> }, hole: string) {
  const fields = entryFields(actor, { ...event, details: { ...event.details, [hole]: HOLE } });
  const pieces = canonicalJson(fields).split(JSON.stringify(HOLE));
  // A field holding the marker itself would cut the text elsewhere and chain a wrong hash: refused.
  if (pieces.length !== 2) throw new Error('audit entry: the hole marker occurs in its fields');
  const [before, after] = pieces as [string, string];
  return { at: fields.at, actorId: fields.actorId, actor: fields.actor, entityId: fields.entityId, scope: fields.scope, before, after };
}

/** Re-computes the whole chain in pages. */
export async function verifyAudit(db: Queryable): Promise<VerifyResult> {
  const state = { prev: GENESIS_HASH, count: 0 };
  let after = '0';
  let result: VerifyResult = { ok: true, entries: 0, headHash: GENESIS_HASH };
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where(sql`id`, '>', sql`${after}::bigint`)
      .orderBy('id')
      .limit(5000)
      .execute();
    if (page.length === 0) return result;
    const entries: StoredEntry[] = page.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorId: r.actor_id,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      scope: r.scope,
      details: r.details,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    result = verifyChain(entries, state);
    if (!result.ok) return result;
    after = page[page.length - 1]!.id;
  }
}
