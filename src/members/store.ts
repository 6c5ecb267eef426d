import { sql, type SelectQueryBuilder } from 'kysely';
import type { Queryable } from '../platform/db.ts';
import type { Database, MemberStatus, MembersTable, OrganisationsTable } from '../platform/schema.ts';
import type { Scope } from '../platform/scope.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { foldText, toneKey } from '../common/text.ts';

export interface MemberSummary {
  id: string;
  personalId: string;
  fullName: string;
  dateOfBirth: string | null;
  birthYear: number;
  gender: 'male' | 'female';
  status: MemberStatus;
  eligible: boolean;
  organisationId: string;
  organisationName: string;
  needsHomeVisit: boolean;
}

export interface Member extends MemberSummary {
  hometown: string | null;
  permanentAddress: string | null;
  temporaryAddress: string | null;
  ethnicity: string | null;
  admittedOn: string | null;
  officialOn: string | null;
  partyCardNumber: string | null;
  recordNumber: string | null;
  phone: string | null;
  version: number;
  updatedAt: string;
}

export interface MemberQuery {
  /** Digits: personal ID; otherwise a name fragment. */
  q?: string;
  /** Accent-exact name search (tone-mark placement still ignored). */
  exact?: boolean;
  /** Subtree of this unit (which must itself be in scope). */
  organisationPath?: string;
  status?: MemberStatus;
  eligible?: boolean;
  needsHomeVisit?: boolean;
  page: number;
  pageSize: number;
}

const summaryColumns = [
  'm.id',
  'm.personal_id as personalId',
  'm.full_name as fullName',
  'm.date_of_birth as dateOfBirth',
  'm.birth_year as birthYear',
  'm.gender',
  'm.status',
  'm.eligible',
  'm.organisation_id as organisationId',
  'o.name as organisationName',
  'm.needs_home_visit as needsHomeVisit',
] as const;

/** LIKE pattern for a fragment, with LIKE's own wildcards escaped. */
function contains(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type Joined = Database & { m: MembersTable; o: OrganisationsTable };

/** Above this many name matches, reading in name order and stopping at the page is cheaper than sorting the matches. */
const SORT_MATCHES_LIMIT = 2000;

export async function searchMembers(db: Queryable, scope: Scope, query: MemberQuery): Promise<{ items: MemberSummary[]; hasMore: boolean }> {
  const q = query.q?.trim() ?? '';
  const digits = q.replace(/[\s.]/g, '');
  const byId = /^\d{9,12}$/.test(digits);
  const folded = byId ? '' : foldText(q);
  const filtered = <T extends SelectQueryBuilder<Joined, 'm' | 'o', object>>(qb: T): T => {
    let out = qb.where(organisationInScope(scope, 'o')) as T;
    if (byId) out = out.where('m.personal_id', '=', digits.padStart(12, '0')) as T;
    else if (folded) {
      // The folded trigram index narrows; the tone key then keeps only accent-exact matches.
      out = out.where('m.name_folded', 'like', contains(folded)) as T;
      if (query.exact) out = out.where('m.name_key', 'like', contains(toneKey(q))) as T;
    }
    if (query.organisationPath) out = out.where('o.path', 'like', `${query.organisationPath}%`) as T;
    if (query.status) out = out.where('m.status', '=', query.status) as T;
    if (query.eligible !== undefined) out = out.where('m.eligible', '=', query.eligible) as T;
    if (query.needsHomeVisit !== undefined) out = out.where('m.needs_home_visit', '=', query.needsHomeVisit) as T;
    return out;
  };
  const joined = () => db.selectFrom('members as m').innerJoin('organisations as o', 'o.id', 'm.organisation_id');
  const page = <T extends SelectQueryBuilder<Joined, 'm' | 'o', MemberSummary>>(qb: T) =>
    qb
      .orderBy(sql`m.full_name COLLATE "vi-x-icu"`)
      .orderBy('m.id')
      .limit(query.pageSize + 1)
      .offset((query.page - 1) * query.pageSize)
      .execute();

  let rows: MemberSummary[];
  if (folded.length >= 3) {
    // A name fragment: collect the matches through the trigram index first. The planner, seeing ORDER BY … LIMIT,
    // would otherwise walk the whole name index for a rare name.
    const matches = await filtered(joined().select('m.id')).limit(SORT_MATCHES_LIMIT + 1).execute();
    if (matches.length === 0) return { items: [], hasMore: false };
    rows =
      matches.length <= SORT_MATCHES_LIMIT
        ? await page(joined().select(summaryColumns).where('m.id', 'in', matches.map((m) => m.id)))
        : await page(filtered(joined().select(summaryColumns)));
  } else {
    rows = await page(filtered(joined().select(summaryColumns)));
  }
  return { items: rows.slice(0, query.pageSize), hasMore: rows.length > query.pageSize };
}

export async function findMember(db: Queryable, scope: Scope, id: string): Promise<Member | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const row = await db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      ...summaryColumns,
      'm.hometown',
      'm.permanent_address as permanentAddress',
      'm.temporary_address as temporaryAddress',
      'm.ethnicity',
      'm.admitted_on as admittedOn',
      'm.official_on as officialOn',
      'm.party_card_number as partyCardNumber',
      'm.record_number as recordNumber',
      'm.phone',
      'm.version',
      'm.updated_at as updatedAt',
    ])
    .where('m.id', '=', id)
    .where(organisationInScope(scope, 'o'))
    .executeTakeFirst();
  return row && { ...row, updatedAt: new Date(row.updatedAt).toISOString() };
}

/** Registered members among the given IDs (for duplicate checks), with their names. */
export async function existingByPersonalId(db: Queryable, personalIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < personalIds.length; i += 20000) {
    const rows = await sql<{ personal_id: string; full_name: string }>`
      SELECT personal_id, full_name FROM members WHERE personal_id = ANY(${personalIds.slice(i, i + 20000)}::char(12)[])`.execute(db);
    for (const r of rows.rows) found.set(r.personal_id, r.full_name);
  }
  return found;
}

/** The derived search keys stored beside the name. */
export function nameKeys(fullName: string): Pick<MembersTable, 'name_folded' | 'name_key'> {
  return { name_folded: foldText(fullName), name_key: toneKey(fullName) };
}
