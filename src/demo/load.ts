import { copyField, copyInto, withClientTransaction, type DatabaseHandle } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { cliActor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { copyLine, copyLines } from '../members/import.ts';
import type { MemberDraft } from '../members/domain/validate.ts';
import { findProvince } from '../reference/provinces.ts';
import { provinceCommittee } from '../reference/service.ts';
import { getOrganisation } from '../organisations/service.ts';
import { insertOrganisationsBulk } from '../organisations/store.ts';
import { addUser } from '../users/service.ts';
import { ensureDemoCampaign } from './campaign.ts';
import { generateDemoProvince, type DemoCommune, type DemoMember } from './domain/generate.ts';

export const DEMO_LOGIN = { username: 'admin', password: 'doithe@2025' } as const;
export const DEMO_OFFICER = { username: 'canbo.xa', password: 'doithe@2025' } as const;

export interface DemoResult {
  organisations: number;
  members: number;
  register: number;
}

function toDraft(m: DemoMember): MemberDraft {
  return {
    personalId: m.personalId,
    fullName: m.fullName,
    dateOfBirth: m.dateOfBirth,
    birthYear: Number(m.dateOfBirth.slice(0, 4)),
    gender: m.gender,
    hometown: m.hometown,
    permanentAddress: m.permanentAddress,
    temporaryAddress: m.temporaryAddress,
    ethnicity: m.ethnicity,
    admittedOn: m.admittedOn,
    officialOn: m.officialOn,
    partyCardNumber: m.partyCardNumber,
    recordNumber: m.recordNumber,
    status: m.status,
    phone: m.phone,
    needsHomeVisit: m.needsHomeVisit,
    cell: null,
    committee: null,
  };
}


/** Generates a province (units, members, register) and loads it in one transaction. */
export async function loadDemo(app: DatabaseHandle, options: { provinceCode: string; members: number; seed: number }): Promise<DemoResult> {
  if (!findProvince(options.provinceCode)) throw new AppError('reference.province_unknown', { code: options.provinceCode });
  const committee = await provinceCommittee(app.db, options.provinceCode);
  const busy = await app.db.selectFrom('organisations').select('id').where('parent_id', '=', committee.id).limit(1).executeTakeFirst();
  if (busy) throw new AppError('demo.province_not_empty', { code: options.provinceCode });
  const known: DemoCommune[] = await app.db
    .selectFrom('communes')
    .select(['code', 'name', 'kind'])
    .where('province_code', '=', options.provinceCode)
    .orderBy('code')
    .execute();
  const demo = generateDemoProvince({ ...options, communes: known.length > 0 ? known : undefined });

  return withClientTransaction(app.pool, async (trx, client) => {
    if (known.length === 0) {
      await trx
        .insertInto('communes')
        .values(demo.communes.map((c) => ({ ...c, province_code: options.provinceCode })))
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
    const root = await getOrganisation(trx, cliActor(), committee.id);
    const units = await insertOrganisationsBulk(
      trx,
      demo.organisations.map((o) => ({
        key: o.key,
        parent: o.parentKey ?? root,
        name: o.name,
        kind: o.kind,
        provinceCode: options.provinceCode,
        communeCode: o.communeCode,
      })),
    );

    await copyLines(client, (function* () {
      for (const m of demo.members()) yield copyLine(toDraft(m), units.get(m.organisationKey)!.id);
    })());

    let register = 0;
    await copyInto(client, 'population_register', ['personal_id', 'full_name', 'date_of_birth', 'gender', 'hometown', 'permanent_address'], (function* () {
      for (const p of demo.register()) {
        register++;
        yield [p.personalId, p.fullName, p.dateOfBirth, p.gender, p.hometown, p.permanentAddress].map(copyField).join('\t') + '\n';
      }
    })());
    await appendAudit(trx, cliActor(), { action: 'demo.load', entity: 'organisation', entityId: committee.id, details: { ...options } });
    return { organisations: units.size, members: demo.memberCount, register };
  });
}

/**
 * First start with --demo: on an empty database, one province and two accounts, so the app can be tried at once.
 * Returns whether this is a demo database (never true for a database holding other data).
 */
export async function ensureDemo(app: DatabaseHandle, log: (line: string) => void): Promise<boolean> {
  const anyMember = await app.db.selectFrom('members').select('id').limit(1).executeTakeFirst();
  if (!anyMember) {
    log('Cơ sở dữ liệu trống: đang tạo tỉnh mẫu Lâm Đồng (5.000 đảng viên)…');
    const result = await loadDemo(app, { provinceCode: '68', members: 5000, seed: 1 });
    log(`Đã tạo ${result.organisations} tổ chức đảng và ${result.members} đảng viên.`);
  }
  const demo = await app.db.selectFrom('audit_log').select('id').where('action', '=', 'demo.load').limit(1).executeTakeFirst();
  if (!demo) {
    log('Cơ sở dữ liệu đã có dữ liệu thật: không tạo tài khoản mẫu (dùng `doithe user add`).');
    return false;
  }
  const users = await app.db.selectFrom('users').select('username').execute();
  const names = new Set(users.map((u) => u.username));
  if (!names.has(DEMO_LOGIN.username)) {
    await addUser(app.db, cliActor(), { ...DEMO_LOGIN, fullName: 'Quản trị hệ thống', role: 'central_admin' });
  }
  if (!names.has(DEMO_OFFICER.username)) {
    const commune = await app.db
      .selectFrom('organisations')
      .select(['id'])
      .where('kind', '=', 'commune_committee')
      .where('province_code', '=', '68')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (commune) await addUser(app.db, cliActor(), { ...DEMO_OFFICER, fullName: 'Cán bộ Ban xây dựng Đảng xã', role: 'party_officer', organisationId: commune.id });
  }
  await ensureDemoCampaign(app, '68', log);
  return true;
}
