import { sql } from 'kysely';
import type pg from 'pg';
import { copyField, copyInto, withClientTransaction, type Db, type Queryable } from '../platform/db.ts';
import { AppError, type Issue } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { OrganisationKind } from '../platform/schema.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { todayInVietnam } from '../common/dates.ts';
import { cleanText, foldText } from '../common/text.ts';
import { readTable, type CellValue, type RawRecord, type ReadLimits } from '../imports/spreadsheet.ts';
import { cellKindUnder, holdsMembers, mayContain } from '../organisations/domain.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { getOrganisation, lockTree } from '../organisations/service.ts';
import { findOrganisation, insertOrganisationsBulk, type OrganisationRow } from '../organisations/store.ts';
import { provinceCommittee } from '../reference/service.ts';
import { MEMBER_TABLE_SCHEMA } from './domain/fields.ts';
import { isEligible, validateMember, type MemberDraft } from './domain/validate.ts';
import { existingByPersonalId, nameKeys } from './store.ts';

export interface ImportOptions {
  dryRun?: boolean;
  /** Base of the list: a unit, or a province's committee. */
  organisationId?: string;
  provinceCode?: string;
  /** Cell for rows without a "Chi bộ" column/value. */
  cell?: string;
  /** Create missing cells (and committees) under the base instead of rejecting their rows. */
  createOrgs?: boolean;
  /** Corrected cell values by spreadsheet row (from the web wizard). */
  fixes?: ReadonlyMap<number, Record<string, string>>;
  /** Rows the user chose to leave out. */
  skipRows?: ReadonlySet<number>;
  /** Commit nothing while any row is still rejected (the web wizard: fix or skip every bad row first). */
  allOrNothing?: boolean;
  today?: string;
  limits?: Partial<ReadLimits>;
}

export interface ImportedMember {
  row: number;
  personalId: string;
  fullName: string;
  dateOfBirth: string | null;
  gender: 'male' | 'female';
  partyCardNumber: string | null;
  admittedOn: string | null;
  officialOn: string | null;
  eligible: boolean;
  status: MemberDraft['status'];
  cell: string | null;
}

export interface RowRecord {
  row: number;
  values: Record<string, string>;
  errors: Issue[];
}

export interface ImportReport {
  fileName: string;
  rows: number;
  accepted: number;
  skipped: number;
  rejected: { row: number; errors: Issue[] }[];
  members: ImportedMember[];
  /** Raw values of rejected rows (and the first accepted ones), for the fix-or-skip screen. */
  records: RowRecord[];
  columns: string[];
  committed: boolean;
  createdOrganisations: number;
}

type Input = { path: string } | { buffer: Buffer; name: string };

const IMPORT_CHUNK = 5000;
/** Accepted rows shown before commit, besides every rejected one. */
const PREVIEW_ROWS = 20;

interface Candidate {
  row: number;
  draft: MemberDraft;
  cellKey: string;
}

/** A unit name from a cell, cleaned as the row validator cleans it; null when empty. */
function unitName(value: CellValue | undefined): string | null {
  return value === null || value === undefined ? null : cleanText(String(value)) || null;
}

/** Cell names compare without "Chi bộ" in front, accents, case or spacing. */
function unitKey(name: string): string {
  return foldText(name).replace(/^(chi bo co so|chi bo|dang bo co so|dang bo)\s+/, '');
}

function rawText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    return `${String(value.getUTCDate()).padStart(2, '0')}/${String(value.getUTCMonth() + 1).padStart(2, '0')}/${value.getUTCFullYear()}`;
  }
  return String(value);
}

/**
 * Reads a member list, checks every row, resolves cells, and (unless a dry run) writes the accepted rows
 * in one transaction: all or nothing.
 */
export async function importMembers(db: Db, pool: pg.Pool, actor: Actor, input: Input, options: ImportOptions = {}): Promise<ImportReport> {
  requirePermission(actor, 'member.import');
  const today = options.today ?? todayInVietnam();
  const table = await readTable(input, MEMBER_TABLE_SCHEMA, options.limits);
  const base = await resolveBase(db, actor, options);
  const units = await loadUnits(db, actor, base);

  const createOrgs = options.createOrgs ?? false;
  const defaultCell = options.cell ? cleanText(options.cell) : null;
  const raw = table.records as (RawRecord | undefined)[];
  const rows = raw.length;
  const fileName = 'path' in input ? input.path.split('/').pop()! : input.name;
  const withFix = (record: RawRecord): Record<string, CellValue> => {
    const fix = options.fixes?.get(record.row);
    return fix ? { ...record.values, ...fix } : record.values;
  };

  // The units a list names are known before any row is checked, so new ones can be created before rows stream in.
  for (const record of raw) {
    if (!record || options.skipRows?.has(record.row)) continue;
    const values = withFix(record);
    units.resolve({ cell: unitName(values.cell) ?? defaultCell, committee: unitName(values.committee) }, createOrgs);
  }

  const rejected: ImportReport['rejected'] = [];
  const accepted: Candidate[] = [];
  const records: RowRecord[] = [];
  let skipped = 0;
  const shown = (row: number, values: Record<string, CellValue>, errors: Issue[]): RowRecord => ({
    row,
    values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, rawText(v)])),
    errors,
  });

  /**
   * Checks the rows chunk by chunk (validation, duplicates in the file and in the registry), letting each chunk's
   * raw cells go, and yields the COPY text of the accepted rows when `line` is given — so the database ingests
   * one chunk while the next is being checked.
   */
  async function* check(line?: (candidate: Candidate) => string): AsyncGenerator<string> {
    const seen = new Map<string, number>();
    let previews = 0;
    for (let start = 0; start < rows; start += IMPORT_CHUNK) {
      const pending: { candidate: Candidate; values: Record<string, CellValue> }[] = [];
      for (let i = start; i < Math.min(rows, start + IMPORT_CHUNK); i++) {
        const record = raw[i]!;
        raw[i] = undefined;
        if (options.skipRows?.has(record.row)) {
          skipped++;
          continue;
        }
        const fix = options.fixes?.get(record.row);
        const values = withFix(record);
        const formulas = fix ? record.formulas.filter((f) => !(f in fix)) : record.formulas;
        const { draft, errors } = validateMember(values, { today, formulas });
        if (draft) {
          const other = seen.get(draft.personalId);
          if (other !== undefined) errors.push({ field: 'personalId', code: 'personal_id.duplicate_in_file', params: { otherRow: other } });
          else seen.set(draft.personalId, record.row);
          draft.cell ??= defaultCell;
          const cell = units.resolve(draft, createOrgs);
          if ('error' in cell) errors.push(cell.error);
          else if (errors.length === 0) pending.push({ candidate: { row: record.row, draft, cellKey: cell.key }, values });
        }
        if (errors.length > 0) {
          rejected.push({ row: record.row, errors });
          records.push(shown(record.row, values, errors));
        }
      }
      // Against the registry (on another connection than the COPY's): only rows still accepted need the look-up.
      const existing = await existingByPersonalId(db, actor.scope, pending.map((p) => p.candidate.draft.personalId));
      let text = '';
      for (const { candidate, values } of pending) {
        const name = existing.get(candidate.draft.personalId);
        if (name === undefined) {
          accepted.push(candidate);
          if (line) text += line(candidate);
          if (previews++ < PREVIEW_ROWS) records.push(shown(candidate.row, values, []));
        } else {
          const issue: Issue =
            name === null
              ? { field: 'personalId', code: 'personal_id.duplicate_elsewhere' }
              : { field: 'personalId', code: 'personal_id.duplicate_in_registry', params: { fullName: name } };
          rejected.push({ row: candidate.row, errors: [issue] });
          records.push(shown(candidate.row, values, [issue]));
        }
      }
      if (text) yield text;
    }
  }

  let createdOrganisations = 0;
  let committed = false;
  if (options.dryRun) {
    for await (const _ of check());
  } else {
    const nothingToWrite = new Error('nothing to write');
    try {
      createdOrganisations = await withClientTransaction(pool, async (trx, client) => {
        const cellId = await units.materialise(trx);
        await copyInto(client, 'members', COPY_COLUMNS, check((c) => copyLine(c.draft, cellId(c.cellKey)))).catch((error: unknown) => {
          // A concurrent import may have registered some of these IDs since the check: say so rather than fail obscurely.
          throw (error as { code?: string }).code === '23505' ? new AppError('import.conflict') : error;
        });
        if (accepted.length === 0 || (options.allOrNothing && rejected.length > 0)) throw nothingToWrite;
        const created = await units.dropUnused(trx);
        await appendAudit(trx, actor, {
          action: 'member.import',
          entity: 'member',
          details: { file: fileName, rows, accepted: accepted.length, rejected: rejected.length, baseId: base.id },
        });
        return created;
      });
      committed = true;
    } catch (error) {
      if (error !== nothingToWrite) throw error;
    }
  }
  rejected.sort((a, b) => a.row - b.row);
  records.sort((a, b) => a.row - b.row);

  return {
    fileName,
    rows,
    accepted: accepted.length,
    skipped,
    rejected,
    members: accepted.map(({ row, draft }) => ({
      row,
      personalId: draft.personalId,
      fullName: draft.fullName,
      dateOfBirth: draft.dateOfBirth,
      gender: draft.gender,
      partyCardNumber: draft.partyCardNumber,
      admittedOn: draft.admittedOn,
      officialOn: draft.officialOn,
      eligible: isEligible(draft),
      status: draft.status,
      cell: draft.cell,
    })),
    records,
    columns: Object.entries(table.columns)
      .sort(([, a], [, b]) => a - b)
      .map(([key]) => key),
    committed,
    createdOrganisations,
  };
}

async function resolveBase(db: Queryable, actor: Actor, options: ImportOptions): Promise<OrganisationRow> {
  if (options.organisationId) return getOrganisation(db, actor, options.organisationId);
  if (options.provinceCode) {
    const committee = await provinceCommittee(db, options.provinceCode);
    return getOrganisation(db, actor, committee.id);
  }
  if (actor.scope.organisationPath) {
    const id = actor.scope.organisationPath.split('/').filter(Boolean).pop()!;
    return getOrganisation(db, actor, id);
  }
  throw new AppError('import.base_required');
}

interface PendingUnit {
  key: string;
  name: string;
  kind: OrganisationKind;
  parentKey: string | null;
}

/** The units under the base, matched by name, and the ones to create on commit. */
async function loadUnits(db: Queryable, actor: Actor, base: OrganisationRow) {
  const rows = await db
    .selectFrom('organisations as o')
    .select(['o.id', 'o.parent_id as parentId', 'o.name', 'o.kind', 'o.path', 'o.depth', 'o.province_code as provinceCode', 'o.commune_code as communeCode'])
    .where('o.path', 'like', `${base.path}%`)
    .where('o.closed_at', 'is', null)
    .where(organisationInScope(actor.scope, 'o'))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const cellsByName = new Map<string, string[]>();
  const committeesByName = new Map<string, string[]>();
  for (const r of rows) {
    const map = holdsMembers(r.kind) ? cellsByName : committeesByName;
    const key = unitKey(r.name);
    map.set(key, [...(map.get(key) ?? []), r.id]);
  }
  const pending = new Map<string, PendingUnit>();
  let createdIds: string[] = [];

  const committeeFor = (name: string, create: boolean): { key: string } | { error: Issue } | null => {
    const ids = committeesByName.get(unitKey(name)) ?? [];
    if (ids.length === 1) return { key: ids[0]! };
    if (ids.length > 1) return { error: { field: 'committee', code: 'cell.ambiguous', params: { name } } };
    if (!create) return { error: { field: 'committee', code: 'cell.unknown', params: { name } } };
    const key = `new:committee:${unitKey(name)}`;
    const folded = foldText(name);
    const kind: OrganisationKind = /^dang bo (xa|phuong|dac khu)\b/.test(folded) && base.kind === 'provincial_committee' ? 'commune_committee' : 'grassroots_committee';
    if (!mayContain(base.kind, kind)) return { error: { field: 'committee', code: 'organisation.kind_not_allowed' } };
    if (!pending.has(key)) pending.set(key, { key, name, kind, parentKey: null });
    return { key };
  };

  const resolveOnce = (draft: Pick<MemberDraft, 'cell' | 'committee'>, create: boolean): { key: string } | { error: Issue } => {
    if (!draft.cell) {
      if (holdsMembers(base.kind)) return { key: base.id };
      return { error: { field: 'cell', code: 'cell.missing' } };
    }
    let parent: { key: string } | null = null;
    if (draft.committee) {
      const found = committeeFor(draft.committee, create);
      if (found && 'error' in found) return found;
      parent = found;
    }
    const name = draft.cell;
    const candidates = (cellsByName.get(unitKey(name)) ?? []).filter(
      (id) => !parent || parent.key.startsWith('new:') || byId.get(id)!.path.includes(`/${parent.key}/`),
    );
    if (candidates.length === 1 && !parent?.key.startsWith('new:')) return { key: candidates[0]! };
    if (candidates.length > 1) return { error: { field: 'cell', code: 'cell.ambiguous', params: { name } } };
    if (!create) return { error: { field: 'cell', code: 'cell.unknown', params: { name } } };
    const key = `new:cell:${parent?.key ?? ''}:${unitKey(name)}`;
    if (!pending.has(key)) {
      const parentKind = parent ? (parent.key.startsWith('new:') ? pending.get(parent.key)!.kind : byId.get(parent.key)!.kind) : base.kind;
      const kind = cellKindUnder(parentKind);
      if (!mayContain(parentKind, kind)) return { error: { field: 'cell', code: 'organisation.kind_not_allowed' } };
      pending.set(key, { key, name: /^chi bo/.test(foldText(name)) ? name : `Chi bộ ${name}`, kind, parentKey: parent?.key ?? null });
    }
    return { key };
  };

  // A list names a few hundred units over 100,000 rows: resolve each (committee, cell) pair once.
  const resolved = new Map<string, { key: string } | { error: Issue }>();

  return {
    resolve(draft: Pick<MemberDraft, 'cell' | 'committee'>, create: boolean): { key: string } | { error: Issue } {
      const memo = `${create}\u0000${draft.committee ?? ''}\u0000${draft.cell ?? ''}`;
      let result = resolved.get(memo);
      if (!result) {
        result = resolveOnce(draft, create);
        resolved.set(memo, result);
      }
      return result;
    },
    /** Creates the pending units inside the commit transaction; returns cell key → id. */
    async materialise(trx: Db): Promise<(key: string) => string> {
      if (pending.size === 0) return (key: string) => key;
      // Paths read before the commit may have changed since: lock the tree and read the parents again.
      await lockTree(trx);
      const parentIds = [...new Set([...pending.values()].map((u) => u.parentKey ?? base.id).filter((k) => !k.startsWith('new:')))];
      const fresh = new Map<string, OrganisationRow>();
      for (const id of parentIds) {
        const row = await findOrganisation(trx, actor.scope, id);
        if (!row || row.closed) throw new AppError('import.tree_changed');
        fresh.set(id, row);
      }
      const existing = (key: string | null): OrganisationRow => fresh.get(key ?? base.id)!;
      // Parents before children: a pending cell may sit under a pending committee.
      const pendingParent = (u: PendingUnit) => (u.parentKey?.startsWith('new:') ? 1 : 0);
      const ordered = [...pending.values()].sort((a, b) => pendingParent(a) - pendingParent(b));
      const created = await insertOrganisationsBulk(
        trx,
        ordered.map((u) => {
          const parent = u.parentKey?.startsWith('new:') ? u.parentKey : existing(u.parentKey);
          const parentRow = typeof parent === 'string' ? null : parent;
          return {
            key: u.key,
            parent,
            name: u.name,
            kind: u.kind,
            provinceCode: parentRow ? parentRow.provinceCode : existing(null).provinceCode,
            communeCode: parentRow ? parentRow.communeCode : existing(null).communeCode,
          };
        }),
      );
      createdIds = [...created.values()].map((u) => u.id);
      return (key: string) => created.get(key)?.id ?? key;
    },
    /** Removes the new units whose every row was rejected (cells first, then committees left empty); returns how many stay. */
    async dropUnused(trx: Db): Promise<number> {
      let dropped = 0;
      for (let pass = 0; pass < 2; pass++) {
        const r = await sql`
          DELETE FROM organisations o WHERE o.id = ANY(${createdIds}::bigint[])
            AND NOT EXISTS (SELECT 1 FROM members m WHERE m.organisation_id = o.id)
            AND NOT EXISTS (SELECT 1 FROM organisations c WHERE c.parent_id = o.id)`.execute(trx);
        dropped += Number(r.numAffectedRows ?? 0);
      }
      return createdIds.length - dropped;
    },
  };
}

export const COPY_COLUMNS = [
  'personal_id', 'full_name', 'name_folded', 'name_key', 'sort_key', 'date_of_birth', 'birth_year', 'gender', 'hometown', 'permanent_address',
  'temporary_address', 'ethnicity', 'admitted_on', 'official_on', 'party_card_number', 'record_number', 'status', 'organisation_id',
  'phone', 'needs_home_visit',
] as const;

export function copyLine(d: MemberDraft, organisationId: string): string {
  const keys = nameKeys(d.fullName);
  return [
    d.personalId, d.fullName, keys.name_folded, keys.name_key, keys.sort_key, d.dateOfBirth, d.birthYear, d.gender, d.hometown, d.permanentAddress,
    d.temporaryAddress, d.ethnicity, d.admittedOn, d.officialOn, d.partyCardNumber, d.recordNumber, d.status, organisationId,
    d.phone, d.needsHomeVisit,
  ].map(copyField).join('\t') + '\n';
}

/** Streams COPY lines into members, in chunks, honouring back-pressure. */
export function copyLines(client: pg.PoolClient, lines: Iterable<string>): Promise<void> {
  return copyInto(client, 'members', COPY_COLUMNS, lines);
}


