import { sql } from 'kysely';
import type { Db } from '../platform/db.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { getOrganisation } from '../organisations/service.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { compareRecords, type FieldDifference } from './domain/compare.ts';
import type { PopulationRegister } from './register.ts';

export interface ReconcileReport {
  checked: number;
  matched: number;
  mismatched: { personalId: string; fields: Pick<FieldDifference, 'field' | 'party' | 'population' | 'cause'>[] }[];
  notFound: string[];
}

const BATCH = 10_000;

/**
 * Whole-list cross-check ("rà soát trước"): every eligible member in the caller's scope (or below one unit) is
 * compared with the register, in batches by id, and the latest result per member is stored.
 */
export async function reconcile(db: Db, actor: Actor, register: PopulationRegister, options: { organisationId?: string } = {}): Promise<ReconcileReport> {
  requirePermission(actor, 'member.write');
  const below = options.organisationId ? (await getOrganisation(db, actor, options.organisationId)).path : undefined;
  const report: ReconcileReport = { checked: 0, matched: 0, mismatched: [], notFound: [] };
  const fetchBatch = (after: string) => {
    let qb = db
      .selectFrom('members as m')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .select(['m.id', 'm.personal_id as personalId', 'm.full_name as fullName', 'm.date_of_birth as dateOfBirth', 'm.birth_year as birthYear', 'm.gender', 'm.hometown', 'm.permanent_address as permanentAddress'])
      .where('m.eligible', '=', true)
      .where(organisationInScope(actor.scope, 'o'))
      .where(sql<boolean>`m.id > ${after}::bigint`)
      .orderBy('m.id')
      .limit(BATCH);
    if (below) qb = qb.where('o.path', 'like', `${below}%`);
    return qb.execute();
  };
  // Three stages overlap: the next batch is read and the previous one written while this one is compared.
  // (Each in-flight promise gets a no-op handler so a failure waits for its await instead of crashing the process.)
  const inFlight = <T>(p: Promise<T>): Promise<T> => (p.catch(() => {}), p);
  let next = inFlight(fetchBatch('0'));
  let writing: Promise<unknown> = Promise.resolve();
  for (;;) {
    const members = await next;
    if (members.length === 0) break;
    next = inFlight(fetchBatch(members[members.length - 1]!.id));
    const found = await register.lookupMany(members.map((m) => m.personalId));
    const ids: string[] = [];
    const statuses: string[] = [];
    const blocking: boolean[] = [];
    const differences: string[] = [];
    for (const m of members) {
      const person = found.get(m.personalId);
      report.checked++;
      ids.push(m.id);
      if (!person) {
        report.notFound.push(m.personalId);
        statuses.push('not_found');
        blocking.push(true);
        differences.push('[]');
        continue;
      }
      const diffs = compareRecords(m, person);
      statuses.push(diffs.length === 0 ? 'matched' : 'mismatched');
      blocking.push(diffs.some((d) => d.blocking));
      differences.push(JSON.stringify(diffs));
      if (diffs.length === 0) report.matched++;
      else report.mismatched.push({ personalId: m.personalId, fields: diffs.map(({ field, party, population, cause }) => ({ field, party, population, cause })) });
    }
    await writing;
    writing = inFlight(sql`
      INSERT INTO reconciliation_results (member_id, status, blocking, differences, checked_at)
      SELECT u.id, u.status, u.blocking, u.differences, now()
      FROM unnest(${ids}::bigint[], ${statuses}::text[], ${blocking}::boolean[], ${differences}::jsonb[]) AS u(id, status, blocking, differences)
      ON CONFLICT (member_id) DO UPDATE SET status = excluded.status, blocking = excluded.blocking, differences = excluded.differences, checked_at = excluded.checked_at`.execute(db));
  }
  await writing;
  await db.transaction().execute((trx) =>
    appendAudit(trx, actor, {
      action: 'reconciliation.run',
      entity: 'organisation',
      entityId: options.organisationId ?? null,
      details: { checked: report.checked, matched: report.matched, mismatched: report.mismatched.length, notFound: report.notFound.length },
    }),
  );
  return report;
}
