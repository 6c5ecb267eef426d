import { sql } from 'kysely';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError, type Issue } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { cleanText, foldText } from '../common/text.ts';
import { readTable, type TableSchema } from '../imports/spreadsheet.ts';
import { PROVINCES, findProvince } from './provinces.ts';

const CENTRAL_COMMITTEES = [
  'Đảng bộ các cơ quan Đảng Trung ương',
  'Đảng bộ Chính phủ',
  'Đảng bộ Quốc hội',
  'Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương',
];

export function provinceCommitteeName(provinceName: string): string {
  return provinceName.startsWith('Thành phố') ? `Đảng bộ thành phố ${provinceName.slice('Thành phố '.length)}` : `Đảng bộ tỉnh ${provinceName}`;
}

/** Provinces and the top of the party tree (central level, 34 provincial and 4 central committees); idempotent. */
export async function seedReference(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(7242003)`.execute(trx);
    await trx
      .insertInto('provinces')
      .values(PROVINCES.map((p) => ({ code: p.code, name: p.name, kind: p.kind })))
      .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), kind: eb.ref('excluded.kind') })))
      .execute();
    const central = await trx.selectFrom('organisations').select(['id', 'path']).where('kind', '=', 'central').executeTakeFirst();
    if (central) return;
    const root = await sql<{ id: string; path: string }>`
      INSERT INTO organisations (id, parent_id, path, depth, name, kind)
      SELECT id, NULL, '/' || id || '/', 0, 'Trung ương', 'central' FROM (SELECT nextval('organisations_id_seq') AS id) n
      RETURNING id, path`.execute(trx);
    const { id: rootId, path: rootPath } = root.rows[0]!;
    const units = [
      ...PROVINCES.map((p) => ({ name: provinceCommitteeName(p.name), kind: 'provincial_committee', province: p.code as string | null })),
      ...CENTRAL_COMMITTEES.map((name) => ({ name, kind: 'central_committee', province: null as string | null })),
    ];
    for (const u of units) {
      await sql`
        INSERT INTO organisations (id, parent_id, path, depth, name, kind, province_code)
        SELECT id, ${rootId}, ${rootPath} || id || '/', 1, ${u.name}, ${u.kind}, ${u.province}
        FROM (SELECT nextval('organisations_id_seq') AS id) n`.execute(trx);
    }
  });
}

export async function provinceCommittee(db: Queryable, provinceCode: string) {
  const row = await db
    .selectFrom('organisations')
    .select(['id', 'path', 'depth', 'name'])
    .where('kind', '=', 'provincial_committee')
    .where('province_code', '=', provinceCode)
    .executeTakeFirst();
  if (!row) throw new AppError('reference.province_unknown', { code: provinceCode });
  return row;
}

export const ADMIN_UNIT_SCHEMA: TableSchema = {
  fields: [
    { key: 'provinceCode', synonyms: ['province_code', 'mã tỉnh', 'ma tinh', 'mã tỉnh/thành phố'] },
    { key: 'provinceName', synonyms: ['province_name', 'tên tỉnh', 'tỉnh', 'tỉnh/thành phố', 'tên tỉnh/thành phố'] },
    { key: 'communeCode', synonyms: ['commune_code', 'mã xã', 'mã xã/phường', 'ma xa', 'mã đơn vị hành chính'] },
    { key: 'communeName', synonyms: ['commune_name', 'tên xã', 'xã/phường', 'tên xã/phường', 'tên đơn vị hành chính', 'ten xa'] },
    { key: 'kind', synonyms: ['kind', 'loại', 'cấp', 'loại đơn vị'] },
  ],
  required: ['provinceCode', 'communeCode', 'communeName'],
};

const KINDS: Record<string, 'xa' | 'phuong' | 'dac_khu'> = { xa: 'xa', phuong: 'phuong', 'dac khu': 'dac_khu', dac_khu: 'dac_khu' };

function kindOf(raw: unknown, name: string): 'xa' | 'phuong' | 'dac_khu' | undefined {
  const folded = foldText(String(raw ?? ''));
  if (folded) return KINDS[folded];
  const lead = foldText(name);
  return lead.startsWith('phuong') ? 'phuong' : lead.startsWith('dac khu') ? 'dac_khu' : lead.startsWith('xa') ? 'xa' : undefined;
}

export interface AdminUnitImportResult {
  rows: number;
  accepted: number;
  inserted: number;
  updated: number;
  rejected: { row: number; errors: Issue[] }[];
}

/** Imports a commune code list (CSV/XLSX); rows with problems are reported and skipped, the rest upserted in one transaction. */
export async function importAdminUnits(db: Db, actor: Actor, path: string, options: { dryRun?: boolean } = {}): Promise<AdminUnitImportResult> {
  requirePermission(actor, 'user.manage');
  const table = await readTable({ path }, ADMIN_UNIT_SCHEMA);
  const rejected: AdminUnitImportResult['rejected'] = [];
  const accepted = new Map<string, { code: string; province_code: string; name: string; kind: 'xa' | 'phuong' | 'dac_khu' }>();
  for (const record of table.records) {
    const errors: Issue[] = [];
    const provinceCode = String(record.values.provinceCode ?? '').trim().padStart(2, '0');
    const communeCode = String(record.values.communeCode ?? '').trim().padStart(5, '0');
    const name = cleanText(String(record.values.communeName ?? ''));
    if (!findProvince(provinceCode)) errors.push({ field: 'provinceCode', code: 'reference.province_unknown', params: { code: provinceCode } });
    if (!/^\d{5}$/.test(communeCode)) errors.push({ field: 'communeCode', code: 'reference.commune_code_shape' });
    if (!name) errors.push({ field: 'communeName', code: 'row.required' });
    const kind = kindOf(record.values.kind, name);
    if (!kind) errors.push({ field: 'kind', code: 'reference.commune_kind' });
    if (errors.length) rejected.push({ row: record.row, errors });
    else accepted.set(communeCode, { code: communeCode, province_code: provinceCode, name, kind: kind! });
  }
  let inserted = 0;
  if (!options.dryRun && accepted.size > 0) {
    inserted = await db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('communes').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
      const values = [...accepted.values()];
      for (let i = 0; i < values.length; i += 1000) {
        await trx
          .insertInto('communes')
          .values(values.slice(i, i + 1000))
          .onConflict((oc) =>
            oc.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), kind: eb.ref('excluded.kind'), province_code: eb.ref('excluded.province_code') })),
          )
          .execute();
      }
      const after = await trx.selectFrom('communes').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
      await appendAudit(trx, actor, { action: 'reference.import_admin_units', entity: 'commune', details: { rows: table.records.length, accepted: accepted.size } });
      return Number(after.n) - Number(before.n);
    });
  }
  return { rows: table.records.length, accepted: accepted.size, inserted, updated: options.dryRun ? 0 : accepted.size - inserted, rejected };
}
