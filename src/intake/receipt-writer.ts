/**
 * Group commit of received dossiers (decision 0015): rows that arrive while a write is in progress are inserted together,
 * with their audit entries, in the next call. At low load a dossier is written alone at once; under load many share one
 * transaction (one commit, one audit lock, one chain read) instead of each paying for its own. A dossier is still
 * answered only after its own row has committed.
 */
import type { Insertable } from 'kysely';
import { entryAroundHole } from '../audit/store.ts';
import { sql } from 'kysely';
import { executePrepared, type Db } from '../platform/db.ts';
import type { DossiersTable } from '../platform/schema.ts';
import type { Actor } from '../platform/scope.ts';

/**
 * A dossier row as submitDossier builds it; conflict_with is found at insert time. `data` and `record` are the JSON
 * values themselves: the batch goes to PostgreSQL as one JSON text, written once.
 */
export type ReceivedRow = Omit<Insertable<DossiersTable>, 'conflict_with' | 'data' | 'record' | 'device_submitted_at'> & {
  id: string;
  member_id: string;
  data: unknown;
  record: unknown;
  device_submitted_at?: string | null;
};

/** What the answer shows of a stored dossier. */
export const VIEW_COLUMNS = ['id', 'member_id as memberId', 'state', 'conflict_with as conflictWith', 'received_at as receivedAt'] as const;
export interface StoredView {
  id: string;
  memberId: string;
  state: DossiersTable['state'];
  conflictWith: string | null;
  receivedAt: Date;
}

interface Pending {
  row: ReceivedRow;
  actor: Actor;
  resolve(view: StoredView | undefined): void;
  reject(error: unknown): void;
}

/** At most this many dossiers per transaction: bounds the statement size and one batch's wait. */
const MAX_BATCH = 64;

/**
 * Inserts the rows (a key already taken is skipped: ON CONFLICT DO NOTHING) and audits the inserted ones, in one call of
 * receive_dossiers (migration 0028): one statement, one round trip, its own transaction. A second dossier for a member
 * already taken points at the first (conflict_with); the batch never holds two rows of one member, so "first" is always
 * an earlier transaction's row. Each entry's details name that conflict, found by the insert: the entry is prepared
 * here with a hole for it (entryAroundHole), and the database chains it.
 */
async function insertBatch(db: Db, batch: Pending[]): Promise<Map<string, StoredView>> {
  // An entry's time is taken here, before the call: entries of a batch and of a writer beside it may be chained in an
  // order a few milliseconds off their times (the chain's order is the ids', which verification follows).
  const rows = batch.map(({ row, actor }) => {
    const entry = entryAroundHole(actor, { action: 'dossier.submit', entity: 'dossier', entityId: row.id, details: { memberId: row.member_id } }, 'conflictWith');
    return {
      ...row,
      audit_at: entry.at,
      audit_actor_id: entry.actorId,
      audit_actor: entry.actor,
      audit_entity_id: entry.entityId,
      audit_scope: entry.scope,
      audit_member_id: row.member_id,
      audit_before: entry.before,
      audit_after: entry.after,
    };
  });
  // One JSON text whatever the batch's size (prepared once per connection), written once by JSON.stringify.
  const inserted = await executePrepared(
    db,
    sql<StoredView>`SELECT id, member_id AS "memberId", state, conflict_with AS "conflictWith", received_at AS "receivedAt"
      FROM receive_dossiers(${JSON.stringify(rows)}::jsonb)`.compile(db), // VIEW_COLUMNS
  );
  return new Map(inserted.map((view) => [view.id, view]));
}

function receiptWriter(db: Db) {
  const queue: Pending[] = [];
  let writing = false;

  /** The next batch: queued dossiers in arrival order, one per member and per key (the others wait for the next). */
  function takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const members = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < MAX_BATCH; ) {
      const { row } = queue[i]!;
      if (members.has(row.member_id) || ids.has(row.id)) i++;
      else {
        members.add(row.member_id);
        ids.add(row.id);
        batch.push(...queue.splice(i, 1));
      }
    }
    return batch;
  }

  async function drain() {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = takeBatch();
        try {
          const stored = await insertBatch(db, batch);
          for (const pending of batch) pending.resolve(stored.get(pending.row.id));
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          // One bad row (say its member was deleted meanwhile) must not fail the others: each alone, so only it fails.
          else for (const pending of batch) await insertBatch(db, [pending]).then((stored) => pending.resolve(stored.get(pending.row.id)), pending.reject);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    /** Stores the row and its audit entry; resolves once committed, with the stored view, or undefined when the key was taken. */
    insert(row: ReceivedRow, actor: Actor): Promise<StoredView | undefined> {
      return new Promise((resolve, reject) => {
        queue.push({ row, actor, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}

const writers = new WeakMap<Db, ReturnType<typeof receiptWriter>>();

/** Inserts a received dossier through the group commit of its database (one writer per Db, so per server process). */
export function insertReceived(db: Db, row: ReceivedRow, actor: Actor): Promise<StoredView | undefined> {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = receiptWriter(db)));
  return writer.insert(row, actor);
}
