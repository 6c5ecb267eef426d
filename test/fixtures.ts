import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { createOrganisation } from '../src/organisations/service.ts';
import { provinceCommittee } from '../src/reference/service.ts';
import { importMembers } from '../src/members/import.ts';
import { addUser } from '../src/users/service.ts';

export const PASSWORD = 'mat-khau-thu-nghiem';

/** Two communes of Lâm Đồng, a cell each, a few members each, and an officer scoped to each commune. */
export async function seedTwoCommunes(handle: DatabaseHandle) {
  const { db } = handle;
  const actor = cliActor();
  await db
    .insertInto('communes')
    .values([
      { code: '90001', province_code: '68', name: 'Xã Thử Một', kind: 'xa' },
      { code: '90002', province_code: '68', name: 'Phường Thử Hai', kind: 'phuong' },
    ])
    .execute();
  const province = await provinceCommittee(db, '68');
  const communeA = await createOrganisation(db, actor, { parentId: province.id, name: 'Đảng bộ xã Thử Một', kind: 'commune_committee', communeCode: '90001' });
  const communeB = await createOrganisation(db, actor, { parentId: province.id, name: 'Đảng bộ phường Thử Hai', kind: 'commune_committee', communeCode: '90002' });
  const cellA = await createOrganisation(db, actor, { parentId: communeA.id, name: 'Chi bộ thôn Một', kind: 'cell' });
  const cellB = await createOrganisation(db, actor, { parentId: communeB.id, name: 'Chi bộ tổ dân phố Hai', kind: 'cell' });
  const csvA = writeCsv([
    'Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng',
    'Nguyễn Văn An,068062001001,05/09/1962,Nam,12/03/1990,12/03/1991,68.000001',
    'Trần Thị Hòa,068165001002,01/02/1965,Nữ,01/01/1995,01/01/1996,68.000002',
    'Lê Thị Hoa,068170001003,03/04/1970,Nữ,01/01/1998,,',
  ]);
  const csvB = writeCsv([
    'Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng',
    'Phạm Văn Bắc,068058001004,10/10/1958,Nam,10/10/1980,10/10/1981,68.000003',
    'Đặng Thị Thuỷ,068172001005,11/11/1972,Nữ,11/11/2000,11/11/2001,68.000004',
  ]);
  await importMembers(db, handle.pool, actor, { path: csvA }, { organisationId: cellA.id });
  await importMembers(db, handle.pool, actor, { path: csvB }, { organisationId: cellB.id });
  const officerA = await addUser(db, actor, { username: 'canbo.a', fullName: 'Cán bộ xã Một', password: PASSWORD, role: 'party_officer', organisationId: communeA.id });
  const officerB = await addUser(db, actor, { username: 'canbo.b', fullName: 'Cán bộ phường Hai', password: PASSWORD, role: 'party_officer', organisationId: communeB.id });
  const admin = await addUser(db, actor, { username: 'quantri', fullName: 'Quản trị', password: PASSWORD, role: 'central_admin' });
  return { province, communeA, communeB, cellA, cellB, officerA, officerB, admin };
}

export function writeCsv(lines: string[], name = `list-${randomBytes(4).toString('hex')}.csv`): string {
  const file = path.join(tmpdir(), name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
