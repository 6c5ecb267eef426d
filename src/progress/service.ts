import { sql } from 'kysely';
import type { Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { effective } from './rollups.ts';
import { findOrganisation, listChildren, listRoots, type OrganisationRow } from '../organisations/store.ts';

/** A unit's whole-subtree counters (decision 0016): members, each counted once. */
export interface Totals {
  /** Eligible members. */
  target: number;
  /** Members with a dossier not returned, then how far the furthest one went. */
  received: number;
  confirmed: number;
  approved: number;
  readyToSend: number;
  sent: number;
  /** Members whose every dossier was returned. */
  returned: number;
  /** Members with two dossiers or more not returned. */
  conflicts: number;
  openMismatches: number;
  awaitingCheck: number;
}

export interface UnitProgress extends Totals {
  id: string;
  name: string;
  kind: OrganisationRow['kind'];
  closed: boolean;
}

const COUNTERS = {
  target: 'target',
  received: 'received',
  confirmed: 'confirmed',
  approved: 'approved',
  readyToSend: 'ready_to_send',
  sent: 'sent',
  returned: 'returned',
  conflicts: 'conflicts',
  openMismatches: 'open_mismatches',
  awaitingCheck: 'awaiting_check',
} as const satisfies Record<keyof Totals, string>;

const zero = (): Totals => Object.fromEntries(Object.keys(COUNTERS).map((k) => [k, 0])) as unknown as Totals;

/**
 * The units' rows by primary key, plus what is pending for them: no member or dossier is read but the few pending
 * ones. A unit nothing was counted for has zeros.
 */
async function totalsOf(db: Queryable, unitIds: readonly string[]): Promise<Map<string, Totals>> {
  const result = new Map(unitIds.map((id) => [id, zero()]));
  if (unitIds.length === 0) return result;
  const rows = await sql<Record<string, string>>`
    SELECT organisation_id AS id, ${sql.join(Object.entries(COUNTERS).map(([key, column]) => sql`${sql.ref(column)} AS ${sql.ref(key)}`))}
    FROM (${effective('progress_units', sql`organisation_id = ANY(${unitIds}::bigint[])`)}) u`.execute(db);
  for (const row of rows.rows) {
    const totals = result.get(String(row.id))!;
    for (const key of Object.keys(COUNTERS) as (keyof Totals)[]) totals[key] = Number(row[key]);
  }
  return result;
}

const view = (unit: OrganisationRow, totals: Totals): UnitProgress => ({ id: unit.id, name: unit.name, kind: unit.kind, closed: unit.closed, ...totals });

/** The unit asked for (or the caller's single visible top unit) and its children; several tops are the children. */
async function unitAndChildren(db: Queryable, actor: Actor, organisationId: string | undefined): Promise<{ unit?: OrganisationRow; children: OrganisationRow[] }> {
  if (organisationId) {
    const unit = await findOrganisation(db, actor.scope, organisationId);
    if (!unit) throw new AppError('organisation.not_found', { id: organisationId });
    return { unit, children: await listChildren(db, actor.scope, unit.id) };
  }
  const roots = await listRoots(db, actor.scope);
  if (roots.length === 1) return { unit: roots[0], children: await listChildren(db, actor.scope, roots[0]!.id) };
  return { children: roots };
}

/**
 * Progress of a unit and of each of its child units (totals of their whole subtrees). Without a unit: the caller's
 * visible top unit, or, when the scope has several tops, those as the children and no unit. A unit outside the
 * caller's scope is "not found", as everywhere.
 */
export async function progressOf(db: Queryable, actor: Actor, options: { organisationId?: string } = {}): Promise<{ unit: UnitProgress | null; children: UnitProgress[] }> {
  requirePermission(actor, 'progress.read');
  const { unit, children } = await unitAndChildren(db, actor, options.organisationId);
  const totals = await totalsOf(db, [...(unit ? [unit.id] : []), ...children.map((c) => c.id)]);
  return { unit: unit ? view(unit, totals.get(unit.id)!) : null, children: children.map((c) => view(c, totals.get(c.id)!)) };
}
