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
let cells: { a: { id: string; path: string }; b: { id: string; path: string } };

beforeAll(async () => {
  handle = await createTestDatabase();
  const { cellA, cellB } = await seedTwoCommunes(handle);
  cells = { a: cellA, b: cellB };
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
      const before = prepared.rows.length + 2;
      expect(members.every((r) => r.name.startsWith('p_'))).toBe(true);
      // Compiled once per shape, the values are still each call's own: the same text for another province or unit.
      expect((await findMember(single.db, { all: false, provinceCode: '68' }, memberId))?.id).toBe(memberId);
      expect(await findMember(single.db, { all: false, organisationPath: cells.b.path }, memberId)).toBeUndefined();
      expect((await findMember(single.db, { all: false, organisationPath: cells.a.path }, memberId))?.id).toBe(memberId);
      expect(await findMember(single.db, { all: false, organisationPath: cells.a.path, communeCode: '90002' }, memberId)).toBeUndefined();
      expect((await findMember(single.db, { all: false, organisationPath: cells.a.path, communeCode: '90001' }, memberId))?.id).toBe(memberId);
      const shapes = (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(single.db)).rows.filter((r) => r.statement.includes('"members"'));
      expect(shapes).toHaveLength(4);
      // A plain query on the same connection is still unnamed.
      await sql`SELECT 1`.execute(single.db);
      expect((await sql`SELECT name FROM pg_prepared_statements`.execute(single.db)).rows).toHaveLength(before);
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
      // A user scoped to a unit gets its path from the same look-up, whichever unit it is.
      for (const [username, cell] of [['o.don.vi.a', cells.a], ['o.don.vi.b', cells.b]] as const) {
        await addUser(handle.db, cliActor(), { username, fullName: 'Cán bộ chi bộ', password: PASSWORD, role: 'party_officer', organisationId: cell.id });
        const session = await sessionFor(single.db, (await login(handle.db, username, PASSWORD, 'test')).token);
        expect(session?.actor.scope).toEqual({ all: false, organisationPath: cell.path });
        expect(session?.user.scope).toMatchObject({ organisationId: cell.id });
      }
    } finally {
      await single.db.destroy();
    }
  });
  it('keeps a session a second at most: a change made here is seen at once, one made by another process within the second', async () => {
    await addUser(handle.db, cliActor(), { username: 'mot.giay', fullName: 'Một giây', password: PASSWORD, role: 'party_officer', organisationId: cells.a.id });
    const { token } = await login(handle.db, 'mot.giay', PASSWORD, 'test');
    expect((await sessionFor(handle.db, token))?.actor.scope).toEqual({ all: false, organisationPath: cells.a.path });
    // Moved to another unit by an administrator of this server: the next request has the new scope.
    const user = (await handle.db.selectFrom('users').select('id').where('username', '=', 'mot.giay').executeTakeFirstOrThrow()).id;
    await updateUser(handle.db, cliActor(), user, { organisationId: cells.b.id });
    expect((await sessionFor(handle.db, token))?.actor.scope).toEqual({ all: false, organisationPath: cells.b.path });
    // Disabled through the id as a route takes it ("007" for 7): refused at once all the same.
    const again = await login(handle.db, 'mot.giay', PASSWORD, 'test');
    expect(await sessionFor(handle.db, again.token)).toBeDefined();
    await updateUser(handle.db, cliActor(), `00${user}`, { disabled: true });
    expect(await sessionFor(handle.db, again.token)).toBeUndefined();
    await updateUser(handle.db, cliActor(), user, { disabled: false });
    // Signed out by another process (the session row deleted behind this one's back): refused once the second is over.
    const last = await login(handle.db, 'mot.giay', PASSWORD, 'test');
    expect(await sessionFor(handle.db, last.token)).toBeDefined();
    await handle.db.deleteFrom('sessions').execute();
    const started = performance.now();
    while ((await sessionFor(handle.db, last.token)) !== undefined) {
      expect(performance.now() - started).toBeLessThan(1100);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
