import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor, type Actor } from '../src/platform/scope.ts';
import * as orgs from '../src/organisations/service.ts';
import { searchMembers } from '../src/members/service.ts';
import { nameKeys } from '../src/members/store.ts';
import { AppError } from '../src/platform/errors.ts';
import { createTestDatabase } from './database.ts';
import { seedTwoCommunes } from './fixtures.ts';

let handle: DatabaseHandle;
let seed: Awaited<ReturnType<typeof seedTwoCommunes>>;
const admin = cliActor();

beforeAll(async () => {
  handle = await createTestDatabase();
  seed = await seedTwoCommunes(handle);
});
afterAll(async () => handle?.close());

const officerOf = (communeId: string, path: string): Actor => ({ userId: null, username: `officer-${communeId}`, role: 'party_officer', scope: { all: false, organisationPath: path } });
const names = async (actor: Actor, organisationId?: string) =>
  (await searchMembers(handle.db, actor, { organisationId, page: 1, pageSize: 100 })).items.map((m) => m.fullName);
const errorCode = (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => e.code);

describe('organisation tree', () => {
  it('counts members over a subtree and lists children in Vietnamese order', async () => {
    const children = await orgs.children(handle.db, admin, seed.province.id);
    const ours = children.filter((c) => c.id === seed.communeA.id || c.id === seed.communeB.id);
    expect(ours.map((c) => [c.name, c.memberCount, c.childCount])).toEqual([
      ['Đảng bộ phường Thử Hai', 2, 1],
      ['Đảng bộ xã Thử Một', 3, 1],
    ]);
  });

  it('moves a cell with its members into another commune: scopes follow', async () => {
    const cell = await orgs.createOrganisation(handle.db, admin, { parentId: seed.communeA.id, name: 'Chi bộ  thôn Ba ', kind: 'cell' });
    expect(cell.name).toBe('Chi bộ thôn Ba');
    await handle.db
      .insertInto('members')
      .values({ personal_id: '068080009001', full_name: 'Ngô Văn Ba', ...nameKeys('Ngô Văn Ba'), birth_year: 1980, date_of_birth: '1980-01-01', gender: 'male', status: 'official', organisation_id: cell.id })
      .execute();
    const pathA = (await orgs.getOrganisation(handle.db, admin, seed.communeA.id)).path;
    const pathB = (await orgs.getOrganisation(handle.db, admin, seed.communeB.id)).path;
    expect(await names(officerOf('A', pathA))).toContain('Ngô Văn Ba');
    const moved = await orgs.moveOrganisation(handle.db, admin, cell.id, seed.communeB.id);
    expect(moved.path).toBe(`${pathB}${cell.id}/`);
    expect(moved.communeCode).toBe('90002');
    expect(await names(officerOf('A', pathA))).not.toContain('Ngô Văn Ba');
    expect(await names(officerOf('B', pathB))).toContain('Ngô Văn Ba');
  });

  it('refuses to move a unit into its own subtree or under a unit that cannot hold it', async () => {
    expect(await errorCode(orgs.moveOrganisation(handle.db, admin, seed.communeA.id, seed.cellA.id))).toBe('organisation.move_into_self');
    expect(await errorCode(orgs.moveOrganisation(handle.db, admin, seed.cellA.id, seed.cellB.id))).toBe('organisation.kind_not_allowed');
  });

  it('merges a cell into another: members move, the old cell is closed and audited', async () => {
    const extra = await orgs.createOrganisation(handle.db, admin, { parentId: seed.communeB.id, name: 'Chi bộ tổ Bốn', kind: 'cell' });
    await handle.db
      .insertInto('members')
      .values({ personal_id: '068081009002', full_name: 'Đỗ Thị Bốn', ...nameKeys('Đỗ Thị Bốn'), birth_year: 1981, date_of_birth: '1981-01-01', gender: 'female', status: 'official', organisation_id: extra.id })
      .execute();
    await orgs.mergeOrganisation(handle.db, admin, extra.id, seed.cellB.id);
    expect(await names(admin, seed.cellB.id)).toContain('Đỗ Thị Bốn');
    const closed = await handle.db.selectFrom('organisations').select(['closed_at', 'merged_into']).where('id', '=', extra.id).executeTakeFirstOrThrow();
    expect(closed.merged_into).toBe(seed.cellB.id);
    expect(closed.closed_at).not.toBeNull();
    const audit = await handle.db.selectFrom('audit_log').select('action').where('entity_id', '=', extra.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['organisation.create', 'organisation.merge']);
  });

  it('closes only empty units', async () => {
    expect(await errorCode(orgs.closeOrganisation(handle.db, admin, seed.cellA.id))).toBe('organisation.not_empty');
    const empty = await orgs.createOrganisation(handle.db, admin, { parentId: seed.communeA.id, name: 'Chi bộ trống', kind: 'cell' });
    expect((await orgs.closeOrganisation(handle.db, admin, empty.id)).closed).toBe(true);
  });

  it('a unit cannot be created in, or moved with, a commune outside the scope', async () => {
    const communeOfficer: Actor = { userId: null, username: 'xa.mot', role: 'party_officer', scope: { all: false, provinceCode: '68', communeCode: '90001' } };
    expect(await errorCode(orgs.createOrganisation(handle.db, communeOfficer, { parentId: seed.communeA.id, name: 'Chi bộ lạc', kind: 'cell', communeCode: '90002' }))).toBe('auth.forbidden');
    expect(await handle.db.selectFrom('organisations').select('id').where('name', '=', 'Chi bộ lạc').executeTakeFirst()).toBeUndefined();
    expect(await errorCode(orgs.createOrganisation(handle.db, admin, { parentId: seed.communeA.id, name: 'Chi bộ mã sai', kind: 'cell', communeCode: '99999' }))).toBe('reference.commune_unknown');
    // A committee of commune A holding a cell registered in commune B: the commune-A officer may not move it.
    const committee = await orgs.createOrganisation(handle.db, admin, { parentId: seed.communeA.id, name: 'Đảng bộ Trường Một', kind: 'grassroots_committee' });
    await orgs.createOrganisation(handle.db, admin, { parentId: committee.id, name: 'Chi bộ giáo viên', kind: 'cell', communeCode: '90002' });
    const target = await orgs.createOrganisation(handle.db, admin, { parentId: seed.communeA.id, name: 'Đảng bộ Trường Hai', kind: 'grassroots_committee' });
    expect(await errorCode(orgs.moveOrganisation(handle.db, communeOfficer, committee.id, target.id))).toBe('auth.forbidden');
  });

  it('an officer cannot rename or create outside the scope', async () => {
    const pathA = (await orgs.getOrganisation(handle.db, admin, seed.communeA.id)).path;
    const officer = officerOf('A', pathA);
    expect(await errorCode(orgs.renameOrganisation(handle.db, officer, seed.cellB.id, 'Chiếm'))).toBe('organisation.not_found');
    expect(await errorCode(orgs.createOrganisation(handle.db, officer, { parentId: seed.communeB.id, name: 'X', kind: 'cell' }))).toBe('organisation.not_found');
    expect(await errorCode(orgs.renameOrganisation(handle.db, { ...officer, role: 'intake_officer' }, seed.cellA.id, 'Y'))).toBe('auth.forbidden');
  });
});
