import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMembers } from '../src/members/import.ts';
import { findMember } from '../src/members/store.ts';
import { connect, type DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser, login, logout, sessionFor, updateUser } from '../src/users/service.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes, writeCsv } from './fixtures.ts';

let handle: DatabaseHandle;
let memberId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  const { cellA } = await seedTwoCommunes(handle);
  await importMembers(handle.db, handle.pool, cliActor(), {
    path: writeCsv(['Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng', 'Nguyễn Thị Chuẩn,068158000123,10/10/1958,Nữ,10/10/1980,10/10/1981,68.000123']),
  }, { organisationId: cellA.id });
  memberId = (await handle.db.selectFrom('members').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(() => handle.close());

describe('named prepared statements for the hot look-ups', () => {
  it('are prepared once per connection and answer what a plain query answers, scope and all', async () => {
    // One connection, so what it has prepared can be read from it.
    const single = connect(handle.url, 1);
    try {
      const everywhere = await findMember(single.db, cliActor().scope, memberId);
      expect(everywhere?.id).toBe(memberId);
      expect(await findMember(single.db, { all: false, provinceCode: '01' }, memberId)).toBeUndefined();
      expect((await findMember(single.db, cliActor().scope, memberId))?.fullName).toBe(everywhere?.fullName);
      const prepared = await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(single.db);
      const members = prepared.rows.filter((r) => r.statement.includes('"members"'));
      // Two scopes, two texts; the third call reused the first statement.
      expect(members).toHaveLength(2);
      expect(members.every((r) => r.name.startsWith('p_'))).toBe(true);
      // A plain query on the same connection is still unnamed.
      await sql`SELECT 1`.execute(single.db);
      expect((await sql`SELECT name FROM pg_prepared_statements`.execute(single.db)).rows).toHaveLength(prepared.rows.length);
    } finally {
      await single.db.destroy();
    }
  });

  it('never keep a session alive: a logged-out or disabled user is refused on the next request', async () => {
    const single = connect(handle.url, 1);
    try {
      const user = await addUser(handle.db, cliActor(), { username: 'chuan.bi', fullName: 'Chuẩn bị', password: PASSWORD, role: 'party_officer', provinceCode: '68' });
      const first = await login(handle.db, 'chuan.bi', PASSWORD, 'test');
      expect((await sessionFor(single.db, first.token))?.actor.username).toBe('chuan.bi');
      await logout(handle.db, first.token, first.actor);
      expect(await sessionFor(single.db, first.token)).toBeUndefined();
      const second = await login(handle.db, 'chuan.bi', PASSWORD, 'test');
      expect(await sessionFor(single.db, second.token)).toBeDefined();
      await updateUser(handle.db, cliActor(), user.id, { disabled: true });
      expect(await sessionFor(single.db, second.token)).toBeUndefined();
    } finally {
      await single.db.destroy();
    }
  });
});
