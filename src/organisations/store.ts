import { sql } from 'kysely';
import type { Queryable } from '../platform/db.ts';
import type { OrganisationKind } from '../platform/schema.ts';
import type { Scope } from '../platform/scope.ts';
import { organisationInScope } from './scope.ts';

export interface OrganisationRow {
  id: string;
  parentId: string | null;
  path: string;
  depth: number;
  name: string;
  kind: OrganisationKind;
  provinceCode: string | null;
  communeCode: string | null;
  closed: boolean;
}

const columns = [
  'o.id',
  'o.parent_id as parentId',
  'o.path',
  'o.depth',
  'o.name',
  'o.kind',
  'o.province_code as provinceCode',
  'o.commune_code as communeCode',
] as const;

function toRow(r: { closed_at: Date | null } & Omit<OrganisationRow, 'closed'>): OrganisationRow {
  const { closed_at, ...rest } = r;
  return { ...rest, closed: closed_at !== null };
}

export async function findOrganisation(db: Queryable, scope: Scope, id: string): Promise<OrganisationRow | undefined> {
  if (!/^\d+$/.test(id)) return undefined;
  const row = await db
    .selectFrom('organisations as o')
    .select([...columns, 'o.closed_at'])
    .where('o.id', '=', id)
    .where(organisationInScope(scope, 'o'))
    .executeTakeFirst();
  return row && toRow(row);
}

/** Visible units whose parent is not visible: the tops of the caller's part of the tree. */
export async function listRoots(db: Queryable, scope: Scope): Promise<OrganisationRow[]> {
  const rows = await db
    .selectFrom('organisations as o')
    .select([...columns, 'o.closed_at'])
    .where(organisationInScope(scope, 'o'))
    // Seeing everything, the tops are the units without a parent (no pass over the whole tree).
    .where((eb) =>
      scope.all
        ? eb('o.parent_id', 'is', null)
        : eb.not(eb.exists(eb.selectFrom('organisations as p').select('p.id').whereRef('p.id', '=', 'o.parent_id').where(organisationInScope(scope, 'p')))),
    )
    .orderBy(sql`o.name COLLATE "vi-x-icu"`)
    .execute();
  return rows.map(toRow);
}

export async function listChildren(db: Queryable, scope: Scope, parentId: string): Promise<OrganisationRow[]> {
  const rows = await db
    .selectFrom('organisations as o')
    .select([...columns, 'o.closed_at'])
    .where('o.parent_id', '=', parentId)
    .where(organisationInScope(scope, 'o'))
    .orderBy(sql`o.closed_at IS NOT NULL`)
    .orderBy(sql`o.name COLLATE "vi-x-icu"`)
    .execute();
  return rows.map(toRow);
}

/** Open child units and members below each of the given units (whole subtree), counting only what the scope shows. */
export async function subtreeCounts(db: Queryable, scope: Scope, units: OrganisationRow[]): Promise<Map<string, { childCount: number; memberCount: number }>> {
  const result = new Map(units.map((u) => [u.id, { childCount: 0, memberCount: 0 }]));
  if (units.length === 0) return result;
  const ids = units.map((u) => u.id);
  const children = await db
    .selectFrom('organisations as c')
    .select(['c.parent_id', sql<string>`count(*)`.as('n')])
    .where('c.parent_id', 'in', ids)
    .where('c.closed_at', 'is', null)
    .where(organisationInScope(scope, 'c'))
    .groupBy('c.parent_id')
    .execute();
  for (const c of children) result.get(c.parent_id!)!.childCount = Number(c.n);
  const members = await sql<{ id: string; n: string }>`
    SELECT u.id, count(m.id) AS n
    FROM unnest(${ids}::bigint[], ${units.map((u) => u.path)}::text[]) AS u(id, path)
    JOIN organisations d ON d.path COLLATE "C" LIKE u.path || '%' AND ${organisationInScope(scope, 'd')}
    JOIN members m ON m.organisation_id = d.id AND m.status IN ('official', 'probationary')
    GROUP BY u.id`.execute(db);
  for (const m of members.rows) result.get(String(m.id))!.memberCount = Number(m.n);
  return result;
}

export async function ancestorsOf(db: Queryable, scope: Scope, unit: OrganisationRow): Promise<{ id: string; name: string }[]> {
  const ids = unit.path.split('/').filter(Boolean).slice(0, -1);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('organisations as o')
    .select(['o.id', 'o.name', 'o.depth'])
    .where('o.id', 'in', ids)
    .where(organisationInScope(scope, 'o'))
    .orderBy('o.depth')
    .execute();
  return rows.map(({ id, name }) => ({ id, name }));
}

/** Rewrites the paths of a whole subtree in one statement. */
export async function moveSubtree(db: Queryable, unit: OrganisationRow, newParent: OrganisationRow): Promise<void> {
  const newPath = `${newParent.path}${unit.id}/`;
  const depthDelta = newParent.depth + 1 - unit.depth;
  await sql`
    UPDATE organisations
    SET path = ${newPath} || substr(path, ${unit.path.length + 1}),
        depth = depth + ${depthDelta},
        parent_id = CASE WHEN id = ${unit.id} THEN ${newParent.id}::bigint ELSE parent_id END,
        province_code = coalesce(${newParent.provinceCode}, province_code),
        commune_code = CASE WHEN ${newParent.communeCode}::text IS NOT NULL THEN ${newParent.communeCode} ELSE commune_code END,
        updated_at = now()
    WHERE path LIKE ${unit.path + '%'}`.execute(db);
}

export async function countOpenContents(db: Queryable, unit: OrganisationRow): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT (SELECT count(*) FROM organisations WHERE parent_id = ${unit.id} AND closed_at IS NULL)
         + (SELECT count(*) FROM members WHERE organisation_id = ${unit.id} AND status IN ('official', 'probationary')) AS n`.execute(db);
  return Number(r.rows[0]!.n);
}

export interface BulkUnit {
  key: string;
  /** An existing unit, or the key of a unit earlier in the same list. */
  parent: OrganisationRow | string;
  name: string;
  kind: OrganisationKind;
  provinceCode: string | null;
  communeCode: string | null;
}

/** Creates many units in a few statements: ids drawn at once, paths computed here. Parents must precede children. */
export async function insertOrganisationsBulk(db: Queryable, units: BulkUnit[]): Promise<Map<string, OrganisationRow>> {
  const created = new Map<string, OrganisationRow>();
  if (units.length === 0) return created;
  const ids = await sql<{ id: string }>`SELECT nextval('organisations_id_seq')::text AS id FROM generate_series(1, ${units.length})`.execute(db);
  const rows = units.map((u, i) => {
    const parent = typeof u.parent === 'string' ? created.get(u.parent) : u.parent;
    if (!parent) throw new Error(`unit ${u.key} comes before its parent ${String(u.parent)}`);
    const id = ids.rows[i]!.id;
    const row: OrganisationRow = {
      id,
      parentId: parent.id,
      path: `${parent.path}${id}/`,
      depth: parent.depth + 1,
      name: u.name,
      kind: u.kind,
      provinceCode: u.provinceCode,
      communeCode: u.communeCode,
      closed: false,
    };
    created.set(u.key, row);
    return row;
  });
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insertInto('organisations')
      .values(
        rows.slice(i, i + 2000).map((r) => ({
          id: r.id,
          parent_id: r.parentId,
          path: r.path,
          depth: r.depth,
          name: r.name,
          kind: r.kind,
          province_code: r.provinceCode,
          commune_code: r.communeCode,
        })),
      )
      .execute();
  }
  return created;
}
