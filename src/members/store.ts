import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { preparedLookup, type Queryable } from '../platform/db.ts';
import type { Database, MemberStatus, MembersTable, OrganisationsTable } from '../platform/schema.ts';
import { scopeLookup, type Scope } from '../platform/scope.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { cleanText, foldText, sortKey, toneKey } from '../common/text.ts';
import { parsePersonalId } from './domain/personal-id.ts';

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

/** The columns of a MemberSummary, over `members as m` joined to `organisations as o`. */
export const summaryColumns = [
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

type Joined = Database & { m: MembersTable; o: OrganisationsTable };

/** Prefix ranges are counted up to this many index entries. */
const PREFIX_COUNT_CAP = 20000;
/** What one heap fetch costs, in index entries read. */
const HEAP_FETCH = 8;
/** Estimated rows of a word outside the statistics' most common ones (when there are no statistics yet). */
const RARE_WORD = 2000;

/** LIKE pattern: `word` as a whole word (or, for the word being typed, a word prefix) of a space-separated name. */
function wordPattern(word: string, prefix: boolean): string {
  const escaped = word.replace(/[\\%_]/g, (c) => `\\${c}`);
  return prefix ? `% ${escaped}%` : `% ${escaped} %`;
}

/** Upper bound of the prefix range of `text` in byte order. */
function prefixEnd(text: string): string {
  return `${text}\uffff`;
}

/**
 * Members in scope matching a personal ID or name words, in Vietnamese name order, one page at a time.
 * Names match word by word, without diacritics (or accent-exactly with `exact`); the last word may be unfinished.
 */
export async function searchMembers(db: Queryable, scope: Scope, query: MemberQuery): Promise<{ items: MemberSummary[]; hasMore: boolean }> {
  if (!db.isTransaction) return db.transaction().execute((trx) => searchMembers(trx, scope, query));
  // These queries stop after a page; parallel workers would only start late and read past it.
  await sql`SET LOCAL max_parallel_workers_per_gather = 0`.execute(db);
  const q = query.q?.trim() ?? '';
  // Digits (with the separators people type) are a personal ID, read by the same rules as everywhere else.
  const byId = /^[\d\s.\-]+$/.test(q) && /\d/.test(q);
  const personalId = byId ? parsePersonalId(q) : undefined;
  if (personalId && !personalId.ok) return { items: [], hasMore: false };
  const words = byId ? [] : foldText(q).split(' ').filter(Boolean);
  const exactWords = query.exact && !byId ? toneKey(q).split(' ').filter(Boolean) : [];
  // The word being typed may not have reached its tone mark's final place (Huỳ… → Huỳnh): accept it as typed too.
  const typedAsIs = query.exact && !byId ? (cleanText(q).toLowerCase().split(' ').pop() ?? '') : '';
  const last = words.length - 1;

  /** Name conditions on columns holding the folded name and the tone key (of members or member_words). */
  const nameMatches = (folded: string, key: string) =>
    sql<SqlBool>`${sql.join(
      [
        ...words.map((w, i) => sql`(' ' || ${sql.ref(folded)} || ' ') LIKE ${wordPattern(w, i === last)}`),
        ...exactWords.map((w, i) =>
          i < exactWords.length - 1
            ? sql`(' ' || ${sql.ref(key)} || ' ') LIKE ${wordPattern(w, false)}`
            : w === typedAsIs
              ? sql`(' ' || ${sql.ref(key)}) LIKE ${wordPattern(w, true)}`
              : sql`((' ' || ${sql.ref(key)}) LIKE ${wordPattern(w, true)} OR (' ' || ${sql.ref(key)}) LIKE ${wordPattern(typedAsIs, true)})`,
        ),
      ],
      sql` AND `,
    )}`;
  const filtered = <T extends SelectQueryBuilder<Joined, 'm' | 'o', MemberSummary>>(qb: T): T => {
    let out = qb.where(organisationInScope(scope, 'o')) as T;
    if (personalId?.ok) out = out.where('m.personal_id', '=', personalId.value) as T;
    if (query.organisationPath) out = out.where('o.path', 'like', `${query.organisationPath}%`) as T;
    if (query.status) out = out.where('m.status', '=', query.status) as T;
    if (query.eligible !== undefined) out = out.where('m.eligible', '=', query.eligible) as T;
    if (query.needsHomeVisit !== undefined) out = out.where('m.needs_home_visit', '=', query.needsHomeVisit) as T;
    return out;
  };
  const members = () => db.selectFrom('members as m').innerJoin('organisations as o', 'o.id', 'm.organisation_id').select(summaryColumns);
  const page = async <T extends SelectQueryBuilder<Joined, 'm' | 'o', MemberSummary>>(qb: T, order: 'm.sort_key' | 'w.sort_key' = 'm.sort_key') => {
    const rows = await qb
      .orderBy(sql.ref(order))
      .orderBy('m.id')
      .limit(query.pageSize + 1)
      .offset((query.page - 1) * query.pageSize)
      .execute();
    return { items: rows.slice(0, query.pageSize), hasMore: rows.length > query.pageSize };
  };

  if (words.length === 0) return page(filtered(members()));

  // Members with a word starting so, counted in the word index up to `cap`.
  const countPrefix = async (prefix: string, cap: number) => {
    const r = await sql<{ n: string }>`
      SELECT count(*) AS n FROM (SELECT 1 FROM member_words WHERE word >= ${prefix} AND word < ${prefixEnd(prefix)} LIMIT ${cap}) c`.execute(db);
    return Number(r.rows[0]!.n);
  };
  const typed = words[last]!;
  const finished = words.slice(0, last);
  // Planner statistics: table sizes and the most common words with their frequencies.
  const stats = (
    await sql<{ members: number; words: number; vals: string[] | null; freqs: number[] | null }>`
      SELECT (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'members'::regclass) AS members,
             (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'member_words'::regclass) AS words,
             s.most_common_vals::text::text[] AS vals, s.most_common_freqs AS freqs
      FROM (SELECT 1) AS one
      LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'member_words' AND s.attname = 'word'`.execute(db)
  ).rows[0]!;
  const common = new Map((stats.vals ?? []).map((v, i) => [v, stats.freqs![i]! * stats.words]));
  const rarest = Math.min(...common.values(), RARE_WORD);
  const total = Math.max(stats.members, 1);
  const wordCount = (w: string) => common.get(w) ?? rarest;
  const counted = await countPrefix(typed, PREFIX_COUNT_CAP);
  if (counted === 0) return { items: [], hasMore: false };
  // Past the cap, the common words with that prefix tell how large the range really is.
  let typedCount = counted;
  if (counted >= PREFIX_COUNT_CAP) {
    const known = [...common].reduce((sum, [w, n]) => (w.startsWith(typed) ? sum + n : sum), 0);
    typedCount = Math.max(counted, known);
  }

  // A rough cost model, in index entries read (a heap fetch counts as HEAP_FETCH entries), assuming words independent.
  const wanted = (query.pageSize + 1) * query.page;
  const share = (n: number) => Math.min(1, n / total);
  const finishedShare = finished.reduce((p, w) => p * share(wordCount(w)), 1);
  const collectCost = typedCount + HEAP_FETCH * typedCount * finishedShare;
  const drivers = finished.map((w) => {
    const others = finished.reduce((p, o) => (o === w ? p : p * share(wordCount(o))), share(typedCount));
    return { word: w, cost: Math.min(wordCount(w), wanted / others) + HEAP_FETCH * wanted };
  });
  const best = drivers.sort((a, b) => a.cost - b.cost)[0];
  const scanCost = HEAP_FETCH * Math.min(total, wanted / (share(typedCount) * finishedShare));

  if (collectCost <= Math.min(best?.cost ?? Infinity, scanCost)) {
    // Few members have a word starting so: collect them from the word index, then sort that handful.
    const ids = db
      .selectFrom('member_words as w')
      .select('w.member_id')
      .where('w.word', '>=', typed)
      .where('w.word', '<', prefixEnd(typed))
      .where(nameMatches('w.name_folded', 'w.name_key'));
    return page(filtered(members().where('m.id', 'in', ids)));
  }

  if (best && best.cost <= scanCost) {
    // Read the cheapest finished word's members in name order and stop after a page.
    const driver = best.word;
    return page(
      filtered(
        db
          .selectFrom('member_words as w')
          .innerJoin('members as m', 'm.id', 'w.member_id')
          .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
          .select(summaryColumns)
          .where('w.word', '=', driver)
          .where(nameMatches('w.name_folded', 'w.name_key')),
      ),
      'w.sort_key',
    );
  }

  // Common words only: matches are dense, so reading all members in name order finds a page quickly.
  return page(filtered(members().where(nameMatches('m.name_folded', 'm.name_key'))));
}

type MemberLookupValues = Record<'id' | 'path' | 'province' | 'commune', string>;

/** A member by id within a scope, as a compiled-once look-up builds it (`preparedLookup`): findMember's, or the base of one that reads more. */
export function memberQuery(db: Queryable, values: MemberLookupValues, shape: string) {
  return db
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
    .where('m.id', '=', values.id)
    .where(organisationInScope(scopeLookup.placeholders(shape, values), 'o'));
}

/** memberQuery's values and shape; undefined for an id no member can have (then nobody is found). */
export function memberLookupArgs(scope: Scope, id: string): [MemberLookupValues, string] | undefined {
  return /^\d{1,18}$/.test(id) ? [{ id, ...scopeLookup.values(scope) }, scopeLookup.shape(scope)] : undefined;
}

/** A row of memberQuery as a Member (and whatever else the look-up read). */
export function toMember<R extends { updatedAt: Date | string }>(row: R): Omit<R, 'updatedAt'> & { updatedAt: string } {
  return { ...row, updatedAt: new Date(row.updatedAt).toISOString() };
}

const memberById = preparedLookup(memberQuery);

export async function findMember(db: Queryable, scope: Scope, id: string): Promise<Member | undefined> {
  const args = memberLookupArgs(scope, id);
  const row = args && (await memberById(db, ...args));
  return row && toMember(row);
}

/** The member with this personal ID, if the scope shows them. */
export async function findMemberIdByPersonalId(db: Queryable, scope: Scope, personalId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select('m.id')
    .where('m.personal_id', '=', personalId)
    .where(organisationInScope(scope, 'o'))
    .executeTakeFirst();
  return row?.id;
}

/**
 * Registered members among the given IDs (for duplicate checks): their name when in the caller's scope,
 * null when registered elsewhere (that a number is taken must be said; whose it is must not).
 */
export async function existingByPersonalId(db: Queryable, scope: Scope, personalIds: string[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  for (let i = 0; i < personalIds.length; i += 20000) {
    const rows = await sql<{ personal_id: string; full_name: string; visible: boolean }>`
      SELECT m.personal_id, m.full_name, ${organisationInScope(scope, 'o')} AS visible
      FROM members m JOIN organisations o ON o.id = m.organisation_id
      WHERE m.personal_id = ANY(${personalIds.slice(i, i + 20000)}::char(12)[])`.execute(db);
    for (const r of rows.rows) found.set(r.personal_id, r.visible ? r.full_name : null);
  }
  return found;
}

/** The derived search keys stored beside the name. */
export function nameKeys(fullName: string): Pick<MembersTable, 'name_folded' | 'name_key' | 'sort_key'> {
  return { name_folded: foldText(fullName), name_key: toneKey(fullName), sort_key: sortKey(fullName) };
}
