import { sql } from 'kysely';
import type { Db } from '../platform/db.ts';
import type { Issue } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { parseDate } from '../common/dates.ts';
import { cleanText, foldText } from '../common/text.ts';
import { readTable, type CellValue, type TableSchema } from '../imports/spreadsheet.ts';
import { parsePersonalId } from '../members/domain/personal-id.ts';
import type { RegisterRecord } from './register.ts';

export const REGISTER_TABLE_SCHEMA: TableSchema = {
  fields: [
    { key: 'personalId', synonyms: ['personal_id', 'số định danh cá nhân', 'số định danh', 'số CCCD'] },
    { key: 'fullName', synonyms: ['full_name', 'họ và tên', 'họ tên'] },
    { key: 'dateOfBirth', synonyms: ['date_of_birth', 'ngày sinh'] },
    { key: 'gender', synonyms: ['gender', 'giới tính'] },
    { key: 'hometown', synonyms: ['hometown', 'quê quán'] },
    { key: 'permanentAddress', synonyms: ['permanent_address', 'nơi thường trú', 'thường trú'] },
  ],
  required: ['personalId', 'fullName', 'dateOfBirth', 'gender'],
};

const GENDERS: Record<string, 'male' | 'female'> = { male: 'male', nam: 'male', female: 'female', nu: 'female' };

/** One register row: the register's own text is kept as it is (trimmed), only its shape is checked. */
export function validateRegisterRow(values: Record<string, CellValue>): { record?: RegisterRecord; errors: Issue[] } {
  const errors: Issue[] = [];
  const id = parsePersonalId(values.personalId ?? null);
  if (!id.ok) errors.push({ field: 'personalId', code: id.problem });
  const fullName = String(values.fullName ?? '').trim();
  if (!cleanText(fullName)) errors.push({ field: 'fullName', code: 'row.required' });
  const dob = parseDate(values.dateOfBirth);
  if (dob.kind !== 'date') errors.push({ field: 'dateOfBirth', code: dob.kind === 'invalid' ? `date.${dob.reason}` : dob.kind === 'year' ? 'date.year_only' : 'row.required' });
  const gender = GENDERS[foldText(String(values.gender ?? ''))];
  if (!gender) errors.push({ field: 'gender', code: values.gender ? 'gender.invalid' : 'gender.missing' });
  const optional = (v: CellValue | undefined) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim());
  if (errors.length > 0 || !id.ok || dob.kind !== 'date' || !gender) return { errors };
  return {
    errors,
    record: { personalId: id.value, fullName, dateOfBirth: dob.iso, gender, hometown: optional(values.hometown), permanentAddress: optional(values.permanentAddress) },
  };
}

export interface RegisterImportResult {
  rows: number;
  imported: number;
  rejected: { row: number; errors: Issue[] }[];
}

/** Loads a register extract (CSV/XLSX): bad rows are reported by line and skipped; the good ones are upserted together. */
export async function importRegister(db: Db, actor: Actor, path: string): Promise<RegisterImportResult> {
  requirePermission(actor, 'user.manage');
  const table = await readTable({ path }, REGISTER_TABLE_SCHEMA, { maxBytes: 512 * 1024 * 1024, maxRows: 2_000_000 });
  const rejected: RegisterImportResult['rejected'] = [];
  const good = new Map<string, RegisterRecord>();
  for (const r of table.records) {
    const { record, errors } = validateRegisterRow(r.values);
    if (record) good.set(record.personalId, record);
    else rejected.push({ row: r.row, errors });
  }
  const records = [...good.values()];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < records.length; i += 2000) {
      await trx
        .insertInto('population_register')
        .values(
          records.slice(i, i + 2000).map((r) => ({
            personal_id: r.personalId,
            full_name: r.fullName,
            date_of_birth: r.dateOfBirth,
            gender: r.gender,
            hometown: r.hometown,
            permanent_address: r.permanentAddress,
          })),
        )
        .onConflict((oc) =>
          oc.column('personal_id').doUpdateSet((eb) => ({
            full_name: eb.ref('excluded.full_name'),
            date_of_birth: eb.ref('excluded.date_of_birth'),
            gender: eb.ref('excluded.gender'),
            hometown: eb.ref('excluded.hometown'),
            permanent_address: eb.ref('excluded.permanent_address'),
            updated_at: sql`now()`,
          })),
        )
        .execute();
    }
    await appendAudit(trx, actor, { action: 'population.import', entity: 'population_register', details: { rows: table.records.length, imported: records.length, rejected: rejected.length } });
  });
  return { rows: table.records.length, imported: records.length, rejected };
}
