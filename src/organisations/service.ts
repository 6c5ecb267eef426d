import { AppError } from '../platform/errors.ts';
import { sql } from 'kysely';
import { inTransaction, type Queryable } from '../platform/db.ts';
import type { OrganisationKind } from '../platform/schema.ts';
import { requirePermission } from '../platform/permissions.ts';
import { WHOLE_COUNTRY, type Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { cleanText } from '../common/text.ts';
import { isWithin, mayContain } from './domain.ts';
import { organisationInScope } from './scope.ts';
import * as store from './store.ts';
import type { OrganisationRow } from './store.ts';

export interface OrganisationView extends Omit<OrganisationRow, 'path' | 'depth'> {
  childCount: number;
  memberCount: number;
}

async function withCounts(db: Queryable, actor: Actor, units: OrganisationRow[]): Promise<OrganisationView[]> {
  const counts = await store.subtreeCounts(db, actor.scope, units);
  return units.map(({ path: _p, depth: _d, ...u }) => ({ ...u, ...counts.get(u.id)! }));
}

export async function getOrganisation(db: Queryable, actor: Actor, id: string): Promise<OrganisationRow> {
  const unit = await store.findOrganisation(db, actor.scope, id);
  if (!unit) throw new AppError('organisation.not_found', { id });
  return unit;
}

export async function organisationDetail(db: Queryable, actor: Actor, id: string) {
  const unit = await getOrganisation(db, actor, id);
  const [view] = await withCounts(db, actor, [unit]);
  return { ...view!, ancestors: await store.ancestorsOf(db, actor.scope, unit) };
}

export async function roots(db: Queryable, actor: Actor) {
  return withCounts(db, actor, await store.listRoots(db, actor.scope));
}

export async function children(db: Queryable, actor: Actor, id: string) {
  await getOrganisation(db, actor, id);
  return withCounts(db, actor, await store.listChildren(db, actor.scope, id));
}

function cleanUnitName(name: string): string {
  const cleaned = cleanText(name);
  if (!cleaned) throw new AppError('organisation.name_required');
  return cleaned;
}

/** Serialises changes to the shape of the tree: paths are read and written under it, so none is stale. */
export async function lockTree(db: Queryable): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7242004)`.execute(db);
}

/** Units of the subtree of `unit` that the actor cannot see (a change to the subtree would touch them). */
async function hiddenUnitsBelow(db: Queryable, actor: Actor, unit: OrganisationRow): Promise<number> {
  if (actor.scope.all) return 0;
  const r = await db
    .selectFrom('organisations as d')
    .select(sql<string>`count(*)`.as('n'))
    .where('d.path', 'like', `${unit.path}%`)
    .where(sql<boolean>`NOT ${organisationInScope(actor.scope, 'd')}`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Creates a unit under a parent the actor can see; geography is inherited unless given, and must stay in scope. */
export async function createOrganisation(
  db: Queryable,
  actor: Actor,
  input: { parentId: string; name: string; kind: OrganisationKind; communeCode?: string | null },
): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  const name = cleanUnitName(input.name);
  return inTransaction(db, async (trx) => {
    await lockTree(trx);
    const parent = await getOrganisation(trx, actor, input.parentId);
    if (parent.closed) throw new AppError('organisation.closed');
    if (!mayContain(parent.kind, input.kind)) throw new AppError('organisation.kind_not_allowed', { parent: parent.kind, child: input.kind });
    if (input.communeCode) {
      const commune = await trx.selectFrom('communes').select('province_code').where('code', '=', input.communeCode).executeTakeFirst();
      if (!commune || (parent.provinceCode && commune.province_code !== parent.provinceCode)) {
        throw new AppError('reference.commune_unknown', { code: input.communeCode });
      }
    }
    const created = await store.insertOrganisationsBulk(trx, [
      { key: 'unit', parent, name, kind: input.kind, provinceCode: parent.provinceCode, communeCode: input.communeCode ?? parent.communeCode },
    ]);
    const unit = created.get('unit')!;
    // A commune outside the actor's own would create a unit it cannot see: refuse (the transaction rolls back).
    if (!(await store.findOrganisation(trx, actor.scope, unit.id))) throw new AppError('auth.forbidden');
    await appendAudit(trx, actor, { action: 'organisation.create', entity: 'organisation', entityId: unit.id, details: { name: unit.name, kind: unit.kind, parentId: parent.id } });
    return unit;
  });
}

export async function renameOrganisation(db: Queryable, actor: Actor, id: string, name: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  const newName = cleanUnitName(name);
  return inTransaction(db, async (trx) => {
    const unit = await getOrganisation(trx, actor, id);
    await trx.updateTable('organisations').set({ name: newName, updated_at: new Date() }).where('id', '=', id).execute();
    await appendAudit(trx, actor, { action: 'organisation.rename', entity: 'organisation', entityId: id, details: { from: unit.name, to: newName } });
    return { ...unit, name: newName };
  });
}

export async function moveOrganisation(db: Queryable, actor: Actor, id: string, newParentId: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  return inTransaction(db, async (trx) => {
    await lockTree(trx);
    const unit = await getOrganisation(trx, actor, id);
    const parent = await getOrganisation(trx, actor, newParentId);
    if (isWithin(parent.path, unit.path)) throw new AppError('organisation.move_into_self');
    if (parent.closed) throw new AppError('organisation.closed');
    if (!mayContain(parent.kind, unit.kind)) throw new AppError('organisation.kind_not_allowed', { parent: parent.kind, child: unit.kind });
    // Moving rewrites the geography of the whole subtree: all of it must be the actor's.
    if ((await hiddenUnitsBelow(trx, actor, unit)) > 0) throw new AppError('auth.forbidden');
    await store.moveSubtree(trx, unit, parent);
    const moved = await store.findOrganisation(trx, actor.scope, id);
    if (!moved) throw new AppError('auth.forbidden');
    await appendAudit(trx, actor, { action: 'organisation.move', entity: 'organisation', entityId: id, details: { from: unit.parentId, to: parent.id } });
    return moved;
  });
}

/** Moves the members and open sub-units of `id` into `intoId`, then closes `id` as merged. */
export async function mergeOrganisation(db: Queryable, actor: Actor, id: string, intoId: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  return inTransaction(db, async (trx) => {
    await lockTree(trx);
    const unit = await getOrganisation(trx, actor, id);
    const into = await getOrganisation(trx, actor, intoId);
    if (unit.id === into.id || isWithin(into.path, unit.path)) throw new AppError('organisation.move_into_self');
    if (unit.kind !== into.kind) throw new AppError('organisation.merge_kind');
    if (into.closed) throw new AppError('organisation.closed');
    if ((await hiddenUnitsBelow(trx, actor, unit)) > 0) throw new AppError('auth.forbidden');
    const moved = await trx
      .updateTable('members')
      .set((eb) => ({ organisation_id: into.id, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('organisation_id', '=', unit.id)
      .executeTakeFirst();
    const subUnits = await store.listChildren(trx, WHOLE_COUNTRY, unit.id);
    for (const child of subUnits.filter((c) => !c.closed)) await store.moveSubtree(trx, child, into);
    await trx.updateTable('organisations').set({ closed_at: new Date(), merged_into: into.id, updated_at: new Date() }).where('id', '=', unit.id).execute();
    await appendAudit(trx, actor, {
      action: 'organisation.merge',
      entity: 'organisation',
      entityId: id,
      details: { into: into.id, members: Number(moved.numUpdatedRows), units: subUnits.length },
    });
    return into;
  });
}

export async function closeOrganisation(db: Queryable, actor: Actor, id: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  return inTransaction(db, async (trx) => {
    await lockTree(trx);
    const unit = await getOrganisation(trx, actor, id);
    if (unit.closed) return unit;
    const count = await store.countOpenContents(trx, unit);
    if (count > 0) throw new AppError('organisation.not_empty', { count });
    await trx.updateTable('organisations').set({ closed_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
    await appendAudit(trx, actor, { action: 'organisation.close', entity: 'organisation', entityId: id });
    return { ...unit, closed: true };
  });
}
