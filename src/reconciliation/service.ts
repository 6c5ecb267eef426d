import { sql, type RawBuilder } from 'kysely';
import { inTransaction, type Db, type Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { children, getOrganisation, roots } from '../organisations/service.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { findMember } from '../members/store.ts';
import { updateMemberIn } from '../members/service.ts';
import { compareRecords, type FieldDifference } from './domain/compare.ts';
import { RegisterUnavailable } from './remote-register.ts';
import type { PopulationRegister, RegisterRecord } from './register.ts';
import { countsBelow, listResults, markAwaiting, openCase, PARTY_COLUMNS, storeExactMatchesReturningRest, storeOutcomes, type CheckOutcome, type Counts, type MemberSet, type RegisterJoinRow, type ResultFilter, type ResultView } from './results.ts';

export interface ReconcileReport {
  checked: number;
  matched: number;
  mismatched: { personalId: string; fields: Pick<FieldDifference, 'field' | 'party' | 'population' | 'cause'>[] }[];
  notFound: string[];
  /** Members the register could not answer for: recorded as awaiting, and retried by a job. */
  awaiting: string[];
}

export interface Progress {
  total: number;
  checked: number;
  matched: number;
  mismatched: number;
  notFound: number;
  awaiting: number;
}

export interface ReconcileOptions {
  organisationId?: string;
  /** Called after each batch, with running totals. */
  onProgress?: (progress: Progress) => Promise<void> | void;
  /** Hands members the register could not answer for to the retrying job. */
  onAwaiting?: (memberIds: string[]) => Promise<void>;
}

/** One member's outcome from the comparison rules; what the report and the results table record. */
function outcomeOf(member: RegisterJoinRow): CheckOutcome {
  if (!member.found) return { memberId: member.id, status: 'not_found', blocking: true, differences: [] };
  const differences = compareRecords(member, member.found);
  return { memberId: member.id, status: differences.length ? 'mismatched' : 'matched', blocking: differences.some((d) => d.blocking), differences };
}

function addToReport(report: ReconcileReport, member: RegisterJoinRow, outcome: CheckOutcome) {
  report.checked++;
  if (outcome.status === 'matched') report.matched++;
  else if (outcome.status === 'not_found') report.notFound.push(member.personalId);
  else report.mismatched.push({ personalId: member.personalId, fields: outcome.differences.map(({ field, party, population, cause }) => ({ field, party, population, cause })) });
}

/**
 * Whole-list cross-check ("rà soát trước"): every eligible member in the caller's scope (or below one unit) is compared
 * with the register, and the latest result per member is stored with the time it was checked.
 */
export async function reconcile(db: Db, actor: Actor, register: PopulationRegister, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  requirePermission(actor, 'reconciliation.run');
  const below = options.organisationId ? (await getOrganisation(db, actor, options.organisationId)).path : undefined;
  const set: MemberSet = {
    // The units are joined only when the scope or the chosen unit needs them: the whole country is members alone.
    from: below || !actor.scope.all ? sql`members m JOIN organisations o ON o.id = m.organisation_id` : sql`members m`,
    where: sql`m.eligible AND ${organisationInScope(actor.scope, 'o')} ${below ? sql`AND o.path COLLATE "C" LIKE ${below + '%'}` : sql``}`,
  };
  // Counted beside the work, not before it, and only when someone follows the progress.
  let total = 0;
  const counting = options.onProgress
    ? sql<{ n: string }>`SELECT count(*) AS n FROM ${set.from} WHERE ${set.where}`
        .execute(db)
        .then((r) => void (total = Number(r.rows[0]!.n)))
    : Promise.resolve();
  const report: ReconcileReport = { checked: 0, matched: 0, mismatched: [], notFound: [], awaiting: [] };
  const progress = async () => {
    await counting;
    await options.onProgress?.({ total, checked: report.checked, matched: report.matched, mismatched: report.mismatched.length, notFound: report.notFound.length, awaiting: report.awaiting.length });
  };
  // The first report (the total, nothing checked yet) goes out while the work starts.
  const first = progress();
  first.catch(() => {});
  if (register.inDatabase) await reconcileInDatabase(db, set, report, progress);
  else await reconcileThroughPort(db, set, register, report, progress, options.onAwaiting);
  await first;
  await appendAudit(db, actor, {
    action: 'reconciliation.run',
    entity: 'organisation',
    entityId: options.organisationId ?? null,
    details: { checked: report.checked, matched: report.matched, mismatched: report.mismatched.length, notFound: report.notFound.length, awaiting: report.awaiting.length },
  });
  return report;
}

const CHUNK_IDS = 500_000;

/**
 * The register is a table of this database: one statement per range of member ids joins the two, stores the records
 * equal to the letter as matched and returns only the rest (a few percent) for the comparison rules. Two ranges run
 * at once, as an INSERT never runs in parallel inside PostgreSQL.
 */
async function reconcileInDatabase(db: Db, set: MemberSet, report: ReconcileReport, progress: () => Promise<void>) {
  const bounds = (await sql<{ lo: string | null; hi: string | null }>`SELECT min(id) AS lo, max(id) AS hi FROM members`.execute(db)).rows[0]!;
  if (bounds.lo === null) return;
  const ranges: [string, string][] = [];
  for (let lo = BigInt(bounds.lo); lo <= BigInt(bounds.hi!); lo += BigInt(CHUNK_IDS)) ranges.push([lo.toString(), (lo + BigInt(CHUNK_IDS)).toString()]);
  let next = 0;
  // Writing a range's compared rows overlaps the next range's statement.
  const writes: Promise<void>[] = [];
  const worker = () =>
    db.connection().execute(async (conn) => {
      for (let i = next++; i < ranges.length; i = next++) {
        const [lo, hi] = ranges[i]!;
        const range = { from: set.from, where: sql`${set.where} AND m.id >= ${lo}::bigint AND m.id < ${hi}::bigint` };
        const { matched, rest } = await retryOnUniqueViolation(() =>
          inTransaction(conn, async (trx) => {
            // The joined range is kept in memory between the insert and the returned rest; the default 4 MB would spill it to disk.
            await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
            // Every join here is set against set. With statistics taken while the results table was empty, the planner
            // would rescan that table once per member in a nested loop — including the pages this statement is adding.
            await sql`SET LOCAL enable_nestloop = off`.execute(trx);
            return storeExactMatchesReturningRest(trx, range);
          }),
        );
        const outcomes = rest.map(outcomeOf);
        const write = storeOutcomes(db, outcomes);
        write.catch(() => {}); // awaited below; this only keeps an early failure from crashing the process
        writes.push(write);
        report.checked += matched;
        report.matched += matched;
        rest.forEach((m, j) => addToReport(report, m, outcomes[j]!));
        await progress();
      }
    });
  await Promise.all([worker(), worker()]);
  await Promise.all(writes);
}

/** A live check stored a result for a member of the range meanwhile: the next try sees it and updates it instead. */
async function retryOnUniqueViolation<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== '23505' || attempt >= 5) throw error;
    }
  }
}

const PORT_BATCH = 1000;

/** Any register (the remote one): members in keyset batches, asked in bulk; what it cannot answer waits for the job. */
async function reconcileThroughPort(
  db: Db,
  set: MemberSet,
  register: PopulationRegister,
  report: ReconcileReport,
  progress: () => Promise<void>,
  onAwaiting: ((memberIds: string[]) => Promise<void>) | undefined,
) {
  for (let after = '0'; ; ) {
    const members = (
      await sql<Omit<RegisterJoinRow, 'found'>>`
        SELECT ${PARTY_COLUMNS} FROM ${set.from}
        WHERE ${set.where} AND m.id > ${after}::bigint ORDER BY m.id LIMIT ${PORT_BATCH}`.execute(db)
    ).rows;
    if (members.length === 0) return;
    after = members[members.length - 1]!.id;
    const checked = await checkAgainst(db, register, members);
    if (checked) checked.forEach(({ member, outcome }) => addToReport(report, member, outcome));
    else {
      report.awaiting.push(...members.map((m) => m.personalId));
      await onAwaiting?.(members.map((m) => m.id));
    }
    await progress();
  }
}

/** Asks the register about these members and stores the outcomes; null (and the members marked awaiting) when it cannot answer. */
async function checkAgainst(db: Queryable, register: PopulationRegister, members: Omit<RegisterJoinRow, 'found'>[]) {
  let found: Map<string, RegisterRecord>;
  try {
    found = await register.lookupMany(members.map((m) => m.personalId));
  } catch (error) {
    if (!(error instanceof RegisterUnavailable)) throw error;
    await markAwaiting(db, members.map((m) => m.id));
    return null;
  }
  const checked = members.map((m) => {
    const member = { ...m, found: found.get(m.personalId) ?? null };
    return { member, outcome: outcomeOf(member) };
  });
  await storeOutcomes(db, checked.map((c) => c.outcome));
  return checked;
}

/** The job's step: checks members recorded as awaiting again; false when the register still cannot answer. */
export async function recheckAwaiting(db: Db, register: PopulationRegister, memberIds: readonly string[]): Promise<boolean> {
  const members = (
    await sql<Omit<RegisterJoinRow, 'found'>>`
      SELECT ${PARTY_COLUMNS} FROM members m JOIN reconciliation_results rr ON rr.member_id = m.id
      WHERE m.id = ANY(${memberIds}::bigint[]) AND rr.status = 'awaiting' ORDER BY m.id`.execute(db)
  ).rows;
  if (members.length === 0) return true;
  return (await checkAgainst(db, register, members)) !== null;
}

/** The counter's live check of one member: the result, or "awaiting" when the register is slow or down. */
export async function checkMember(db: Db, actor: Actor, register: PopulationRegister, memberId: string, onAwaiting?: (memberIds: string[]) => Promise<void>) {
  requirePermission(actor, 'register.check');
  const member = await findMember(db, actor.scope, memberId);
  if (!member) throw new AppError('member.not_found', { id: memberId });
  const checked = await checkAgainst(db, register, [member]);
  if (!checked) await onAwaiting?.([member.id]);
  await appendAudit(db, actor, { action: 'member.check', entity: 'member', entityId: member.id, details: { status: checked?.[0]!.outcome.status ?? 'awaiting' } });
  return memberReconciliation(db, actor, memberId);
}

/** A member's latest result and whether it blocks confirming their intake. */
export async function memberReconciliation(db: Queryable, actor: Actor, memberId: string): Promise<{ result: ResultView | null; intakeBlocked: boolean }> {
  requirePermission(actor, 'member.read');
  const member = await findMember(db, actor.scope, memberId);
  if (!member) throw new AppError('member.not_found', { id: memberId });
  const { items } = await listResults(db, actor.scope, { memberId }, { offset: 0, limit: 1 });
  const result = items[0] ?? null;
  return { result, intakeBlocked: result?.intakeBlocked ?? false };
}

export type Decision = 'correct' | 'keep' | 'refer';

/**
 * A decision on an open case, recorded with who, when and why. "correct" copies the register's values of the
 * blocking fields into the party record (through the member update, validated and audited as any edit).
 */
export async function decide(db: Db, actor: Actor, memberId: string, input: { decision: Decision; reason?: string }) {
  requirePermission(actor, 'reconciliation.decide');
  const reason = input.reason?.trim() || null;
  if (input.decision !== 'correct' && (!reason || reason.length < 3)) throw new AppError('validation', {}, [{ field: 'reason', code: 'reconciliation.reason_required' }]);
  await db.transaction().execute(async (trx) => {
    const member = await findMember(trx, actor.scope, memberId);
    if (!member) throw new AppError('member.not_found', { id: memberId });
    const current = await trx.selectFrom('reconciliation_results').selectAll().where('member_id', '=', memberId).forUpdate().executeTakeFirst();
    if (!current || !current.blocking || current.decision !== null || current.status === 'awaiting') throw new AppError('reconciliation.conflict');
    const differences = current.differences as FieldDifference[];
    let kind: 'corrected' | 'kept' | 'referred';
    if (input.decision === 'correct') {
      if (current.status !== 'mismatched') throw new AppError('reconciliation.nothing_to_copy');
      const patch: Record<string, string> = {};
      for (const d of differences.filter((x) => x.blocking)) patch[d.field] = d.population;
      await updateMemberIn(trx, actor, memberId, { version: member.version, ...patch });
      // The record now says what the register says: what is left are the informational differences.
      const rest = differences.filter((d) => !d.blocking);
      await trx
        .updateTable('reconciliation_results')
        .set({ status: rest.length ? 'mismatched' : 'matched', blocking: false, differences: JSON.stringify(rest), checked_at: new Date() })
        .where('member_id', '=', memberId)
        .execute();
      kind = 'corrected';
    } else kind = input.decision === 'keep' ? 'kept' : 'referred';
    await trx
      .updateTable('reconciliation_results')
      .set({ decision: kind, decision_reason: reason, decided_by: actor.userId, decided_at: new Date() })
      .where('member_id', '=', memberId)
      .execute();
    await appendAudit(trx, actor, {
      action: 'reconciliation.decide',
      entity: 'member',
      entityId: memberId,
      details: { decision: kind, reason, fields: differences.filter((d) => d.blocking).map((d) => d.field), status: current.status },
    });
  });
  return memberReconciliation(db, actor, memberId);
}

/** Does an undecided blocking difference stand in the way of confirming the intake of the member `memberId` names? */
export function intakeBlockedSql(memberId: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM reconciliation_results r WHERE r.member_id = ${sql.ref(memberId)} AND ${openCase('r')})`;
}

export async function results(db: Queryable, actor: Actor, input: Omit<ResultFilter, 'below' | 'memberId'> & { organisationId?: string; page: number; pageSize: number }) {
  requirePermission(actor, 'member.read');
  const below = input.organisationId ? (await getOrganisation(db, actor, input.organisationId)).path : undefined;
  const { total, items } = await listResults(db, actor.scope, { below, status: input.status, field: input.field, open: input.open }, { offset: (input.page - 1) * input.pageSize, limit: input.pageSize });
  return { total, page: input.page, pageSize: input.pageSize, items };
}

/** Counts per unit: the children of a unit, or the caller's top units. */
export async function summary(db: Queryable, actor: Actor, organisationId?: string) {
  requirePermission(actor, 'member.read');
  const parent = organisationId ? await getOrganisation(db, actor, organisationId) : null;
  // The units as the organisation tree shows them (scope, order, open children), each with its subtree's counts.
  const units = parent ? await children(db, actor, parent.id) : await roots(db, actor);
  const counts = await countsBelow(db, actor.scope, parent ? [...units.map((u) => u.id), parent.id] : units.map((u) => u.id));
  const totals = parent ? counts.get(parent.id)! : sumCounts(units.map((u) => counts.get(u.id)!));
  return {
    organisation: parent ? { id: parent.id, name: parent.name } : null,
    units: units.map((u) => ({ organisationId: u.id, name: u.name, kind: u.kind, hasChildren: u.childCount > 0, ...counts.get(u.id)! })),
    totals,
  };
}

function sumCounts(list: Counts[]): Counts {
  const total: Counts = { members: 0, checked: 0, matched: 0, mismatched: 0, notFound: 0, awaiting: 0, open: 0 };
  for (const c of list) for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += c[key];
  return total;
}
