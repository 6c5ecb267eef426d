import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { AppError } from '../src/platform/errors.ts';
import { cliActor, type Actor } from '../src/platform/scope.ts';
import { addUser, listUsers, login, sessionFor, updateUser } from '../src/users/service.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';

let handle: DatabaseHandle;
let seed: Awaited<ReturnType<typeof seedTwoCommunes>>;
let provincial: Actor;

beforeAll(async () => {
  handle = await createTestDatabase();
  seed = await seedTwoCommunes(handle);
  await addUser(handle.db, cliActor(), { username: 'tinh.ld', fullName: 'Quản trị tỉnh', password: PASSWORD, role: 'provincial_admin', provinceCode: '68' });
  provincial = (await login(handle.db, 'tinh.ld', PASSWORD, 'test')).actor;
});
afterAll(async () => handle?.close());

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => e.code);

describe('users and scopes', () => {
  it('a provincial admin grants only scopes inside its province and sees only its users', async () => {
    expect(await code(addUser(handle.db, provincial, { username: 'ha.noi', fullName: 'X', password: PASSWORD, role: 'party_officer', provinceCode: '01' }))).toBe('auth.forbidden');
    expect(await code(addUser(handle.db, provincial, { username: 'trung.uong', fullName: 'X', password: PASSWORD, role: 'central_admin' }))).toBe('auth.forbidden');
    // What it grants is never wider than its own scope: an unbounded request gets the admin's province.
    const narrowed = await addUser(handle.db, provincial, { username: 'cung.tinh', fullName: 'X', password: PASSWORD, role: 'party_officer' });
    expect(narrowed.scope).toEqual({ all: false, provinceCode: '68' });
    expect(await code(addUser(handle.db, cliActor(), { username: 'khong.pham.vi', fullName: 'X', password: PASSWORD, role: 'party_officer' }))).toBe('user.scope_required');
    const officer = await addUser(handle.db, provincial, { username: 'xa.mot', fullName: 'Cán bộ', password: PASSWORD, role: 'intake_officer', organisationId: seed.communeA.id });
    expect(officer.scope).toMatchObject({ all: false, organisationId: seed.communeA.id, organisationName: 'Đảng bộ xã Thử Một' });
    const visible = (await listUsers(handle.db, provincial)).map((u) => u.username).sort();
    expect(visible).toEqual(['canbo.a', 'canbo.b', 'cung.tinh', 'tinh.ld', 'xa.mot']);
    expect(visible).not.toContain('quantri');
  });

  it('an admin bound to a commune cannot grant another commune or province', async () => {
    const communeAdmin: Actor = { userId: null, username: 'xa.admin', role: 'provincial_admin', scope: { all: false, provinceCode: '68', communeCode: '90001' } };
    expect(await code(addUser(handle.db, communeAdmin, { username: 'tinh.khac', fullName: 'X', password: PASSWORD, role: 'party_officer', provinceCode: '79' }))).toBe('auth.forbidden');
    expect(await code(addUser(handle.db, communeAdmin, { username: 'xa.khac', fullName: 'X', password: PASSWORD, role: 'party_officer', communeCode: '90002' }))).toBe('auth.forbidden');
    const inside = await addUser(handle.db, communeAdmin, { username: 'xa.trong', fullName: 'X', password: PASSWORD, role: 'party_officer', organisationId: seed.communeA.id });
    expect(inside.scope).toMatchObject({ organisationId: seed.communeA.id, provinceCode: '68', communeCode: '90001' });
  });

  it('refuses weak passwords and odd usernames, and duplicate usernames', async () => {
    expect(await code(addUser(handle.db, cliActor(), { username: 'ngan', fullName: 'X', password: 'short', role: 'central_admin' }))).toBe('auth.weak_password');
    expect(await code(addUser(handle.db, cliActor(), { username: 'có dấu', fullName: 'X', password: PASSWORD, role: 'central_admin' }))).toBe('user.username_shape');
    expect(await code(addUser(handle.db, cliActor(), { username: 'CANBO.A', fullName: 'X', password: PASSWORD, role: 'central_admin' }))).toBe('user.duplicate');
  });

  it('a password change or disabling ends the user’s sessions', async () => {
    const signedIn = await login(handle.db, 'canbo.b', PASSWORD, 'test');
    expect(await sessionFor(handle.db, signedIn.token)).toBeDefined();
    await updateUser(handle.db, provincial, seed.officerB.id, { password: 'mat-khau-moi-123' });
    expect(await sessionFor(handle.db, signedIn.token)).toBeUndefined();
    expect(await code(login(handle.db, 'canbo.b', PASSWORD, 'test'))).toBe('auth.bad_credentials');
    await updateUser(handle.db, provincial, seed.officerB.id, { disabled: true });
    expect(await code(login(handle.db, 'canbo.b', 'mat-khau-moi-123', 'test'))).toBe('auth.bad_credentials');
  });

  it('stores only scrypt hashes', async () => {
    const row = await handle.db.selectFrom('users').select('password_hash').where('username', '=', 'canbo.a').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });
});
