import { sql } from 'kysely';
import { inTransaction, type Queryable } from '../platform/db.ts';
import { describeScope, type Actor } from '../platform/scope.ts';
import { entryHash, GENESIS_HASH, verifyChain, type StoredEntry, type VerifyResult } from './domain.ts';

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
  await appendAuditEntries(db, (Array.isArray(events) ? events : [events]).map((event) => ({ actor, event })));
}

/** Like appendAudit, for entries of several actors (changes committed together, e.g. a batch of received dossiers). */
export async function appendAuditEntries(db: Queryable, entries: { actor: Actor; event: AuditEvent }[]): Promise<void> {
  if (entries.length === 0) return;
  // Called outside a transaction (a read's audit entry), it makes its own: the lock must hold until the insert.
  await inTransaction(db, (trx) => appendInTransaction(trx, entries));
}

async function appendInTransaction(db: Queryable, entries: { actor: Actor; event: AuditEvent }[]): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7242002)`.execute(db);
  const last = await db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const rows = entries.map(({ actor, event }) => {
    const fields = {
      at: new Date().toISOString(),
      actorId: actor.userId,
      actor: actor.username,
      action: event.action,
      entity: event.entity,
      entityId: event.entityId ?? null,
      scope: describeScope(actor.scope),
      details: event.details ?? null,
    };
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
