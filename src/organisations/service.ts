import { AppError } from '../platform/errors.ts';
import type { Db, Queryable } from '../platform/db.ts';
import type { OrganisationKind } from '../platform/schema.ts';
import { requirePermission } from '../platform/permissions.ts';
import { WHOLE_COUNTRY, type Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { cleanText } from '../common/text.ts';
import { isWithin, mayContain } from './domain.ts';
import * as store from './store.ts';
import type { OrganisationRow } from './store.ts';

export interface OrganisationView extends Omit<OrganisationRow, 'path' | 'depth'> {
  childCount: number;
  memberCount: number;
}

async function withCounts(db: Queryable, units: OrganisationRow[]): Promise<OrganisationView[]> {
  const counts = await store.subtreeCounts(db, units);
  return units.map(({ path: _p, depth: _d, ...u }) => ({ ...u, ...counts.get(u.id)! }));
}

export async function getOrganisation(db: Queryable, actor: Actor, id: string): Promise<OrganisationRow> {
  const unit = await store.findOrganisation(db, actor.scope, id);
  if (!unit) throw new AppError('organisation.not_found', { id });
  return unit;
}

export async function organisationDetail(db: Queryable, actor: Actor, id: string) {
  const unit = await getOrganisation(db, actor, id);
  const [view] = await withCounts(db, [unit]);
  return { ...view!, ancestors: await store.ancestorsOf(db, actor.scope, unit) };
}

export async function roots(db: Queryable, actor: Actor) {
  return withCounts(db, await store.listRoots(db, actor.scope));
}

export async function children(db: Queryable, actor: Actor, id: string) {
  await getOrganisation(db, actor, id);
  return withCounts(db, await store.listChildren(db, actor.scope, id));
}

function cleanUnitName(name: string): string {
  const cleaned = cleanText(name);
  if (!cleaned) throw new AppError('organisation.name_required');
  return cleaned;
}

/** Creates a unit under a parent the actor can see; geography is inherited unless given. */
export async function createOrganisation(
  db: Queryable,
  actor: Actor,
  input: { parentId: string; name: string; kind: OrganisationKind; communeCode?: string | null },
): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  const parent = await getOrganisation(db, actor, input.parentId);
  if (parent.closed) throw new AppError('organisation.closed');
  if (!mayContain(parent.kind, input.kind)) throw new AppError('organisation.kind_not_allowed', { parent: parent.kind, child: input.kind });
  const unit = await store.insertOrganisation(db, {
    parentId: parent.id,
    parentPath: parent.path,
    depth: parent.depth + 1,
    name: cleanUnitName(input.name),
    kind: input.kind,
    provinceCode: parent.provinceCode,
    communeCode: input.communeCode ?? parent.communeCode,
  });
  await appendAudit(db, actor, { action: 'organisation.create', entity: 'organisation', entityId: unit.id, details: { name: unit.name, kind: unit.kind, parentId: parent.id } });
  return unit;
}

export async function renameOrganisation(db: Queryable, actor: Actor, id: string, name: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  const unit = await getOrganisation(db, actor, id);
  const newName = cleanUnitName(name);
  await db.updateTable('organisations').set({ name: newName, updated_at: new Date() }).where('id', '=', id).execute();
  await appendAudit(db, actor, { action: 'organisation.rename', entity: 'organisation', entityId: id, details: { from: unit.name, to: newName } });
  return { ...unit, name: newName };
}

export async function moveOrganisation(db: Db, actor: Actor, id: string, newParentId: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  return db.transaction().execute(async (trx) => {
    const unit = await getOrganisation(trx, actor, id);
    const parent = await getOrganisation(trx, actor, newParentId);
    if (isWithin(parent.path, unit.path)) throw new AppError('organisation.move_into_self');
    if (parent.closed) throw new AppError('organisation.closed');
    if (!mayContain(parent.kind, unit.kind)) throw new AppError('organisation.kind_not_allowed', { parent: parent.kind, child: unit.kind });
    await store.moveSubtree(trx, unit, parent);
    await appendAudit(trx, actor, { action: 'organisation.move', entity: 'organisation', entityId: id, details: { from: unit.parentId, to: parent.id } });
    return (await store.findOrganisation(trx, WHOLE_COUNTRY, id))!;
  });
}

/** Moves the members and open sub-units of `id` into `intoId`, then closes `id` as merged. */
export async function mergeOrganisation(db: Db, actor: Actor, id: string, intoId: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  return db.transaction().execute(async (trx) => {
    const unit = await getOrganisation(trx, actor, id);
    const into = await getOrganisation(trx, actor, intoId);
    if (unit.id === into.id || isWithin(into.path, unit.path)) throw new AppError('organisation.move_into_self');
    if (unit.kind !== into.kind) throw new AppError('organisation.merge_kind');
    if (into.closed) throw new AppError('organisation.closed');
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

export async function closeOrganisation(db: Db, actor: Actor, id: string): Promise<OrganisationRow> {
  requirePermission(actor, 'organisation.write');
  return db.transaction().execute(async (trx) => {
    const unit = await getOrganisation(trx, actor, id);
    if (unit.closed) return unit;
    const count = await store.countOpenContents(trx, unit);
    if (count > 0) throw new AppError('organisation.not_empty', { count });
    await trx.updateTable('organisations').set({ closed_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
    await appendAudit(trx, actor, { action: 'organisation.close', entity: 'organisation', entityId: id });
    return { ...unit, closed: true };
  });
}
