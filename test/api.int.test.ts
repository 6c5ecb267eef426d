import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { verifyAudit } from '../src/audit/store.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { Client, startServer } from './http.ts';
import { nameKeys } from '../src/members/store.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let seed: Awaited<ReturnType<typeof seedTwoCommunes>>;

beforeAll(async () => {
  handle = await createTestDatabase();
  seed = await seedTwoCommunes(handle);
  server = await startServer(handle);
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

async function memberId(personalId: string) {
  return (await handle.db.selectFrom('members').select('id').where('personal_id', '=', personalId).executeTakeFirstOrThrow()).id;
}

describe('sign-in', () => {
  it('refuses a wrong password in Vietnamese, and English on request', async () => {
    const client = new Client(server.base);
    const vi = await client.login('canbo.a', 'sai-mat-khau');
    expect(vi.status).toBe(400);
    expect(vi.body.error).toMatchObject({ code: 'auth.bad_credentials', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
    const en = await client.request('POST', '/api/session', { username: 'canbo.a', password: 'x' }, { 'accept-language': 'en' });
    expect(en.body.error.message).toBe('Wrong username or password.');
  });

  it('locks an account after five failures, even for the right password', async () => {
    const client = new Client(server.base);
    await handle.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('username', '=', 'quantri').execute();
    for (let i = 0; i < 4; i++) expect((await client.login('quantri', 'wrong')).status).toBe(400);
    const fifth = await client.login('quantri', 'wrong');
    expect(fifth.status).toBe(429);
    expect((await client.login('quantri', PASSWORD)).body.error.code).toBe('auth.locked');
    await handle.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('username', '=', 'quantri').execute();
    expect((await client.login('quantri', PASSWORD)).status).toBe(200);
  });

  it('needs the CSRF token for changes made with a session cookie', async () => {
    const client = new Client(server.base);
    await client.login('canbo.a', PASSWORD);
    const id = await memberId('068062001001');
    const token = client.csrf;
    client.csrf = '';
    const forged = await client.request('PATCH', `/api/members/${id}`, { version: 1, phone: '0912345678' });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('auth.csrf');
    client.csrf = token;
  });

  it('checks the CSRF token on every path, however it is spelled', async () => {
    const client = new Client(server.base);
    await client.login('quantri', PASSWORD);
    client.csrf = '';
    const r = await client.request('POST', '/%61pi/users', { username: 'ke.gian', fullName: 'X', password: 'mat-khau-dai-du', role: 'central_admin' });
    expect(r.status).toBe(403);
    expect(await handle.db.selectFrom('users').select('id').where('username', '=', 'ke.gian').executeTakeFirst()).toBeUndefined();
  });

  it('answers 401 without a session', async () => {
    const r = await new Client(server.base).request('GET', '/api/members');
    expect(r.status).toBe(401);
  });
});

describe('scope', () => {
  it('an officer of one commune never sees another commune’s member', async () => {
    const a = new Client(server.base);
    await a.login('canbo.a', PASSWORD);
    const foreign = await memberId('068058001004');
    const direct = await a.request('GET', `/api/members/${foreign}`);
    expect(direct.status).toBe(404);
    expect(direct.body.error.code).toBe('member.not_found');
    const byId = await a.request('GET', '/api/members?q=068058001004');
    expect(byId.body.items).toEqual([]);
    const all = await a.request('GET', '/api/members?pageSize=200');
    expect(all.body.items.map((m: { personalId: string }) => m.personalId).sort()).toEqual(['068062001001', '068165001002', '068170001003']);
    const foreignUnit = await a.request('GET', `/api/organisations/${seed.cellB.id}/children`);
    expect(foreignUnit.status).toBe(404);
    const edit = await a.request('PATCH', `/api/members/${foreign}`, { version: 1, phone: '0912345678' });
    expect(edit.status).toBe(404);
    const roots = await a.request('GET', '/api/organisations/roots');
    expect(roots.body.map((u: { id: string }) => u.id)).toEqual([seed.communeA.id]);
  });

  it('a filter on a unit outside the scope is not found rather than empty', async () => {
    const a = new Client(server.base);
    await a.login('canbo.a', PASSWORD);
    const r = await a.request('GET', `/api/members?organisationId=${seed.cellB.id}`);
    expect(r.status).toBe(404);
  });
});

describe('member search', () => {
  it('finds names without diacritics, and accent-exactly with any tone placement', async () => {
    const admin = new Client(server.base);
    await admin.login('quantri', PASSWORD);
    const names = async (q: string, exact = false) =>
      (await admin.request('GET', `/api/members?q=${encodeURIComponent(q)}&exact=${exact}`)).body.items.map((m: { fullName: string }) => m.fullName);
    expect(await names('nguyen van an')).toEqual(['Nguyễn Văn An']);
    expect(await names('hoa')).toEqual(['Lê Thị Hoa', 'Trần Thị Hòa']);
    expect(await names('Hoà', true)).toEqual(['Trần Thị Hòa']);
    expect(await names('Hoa', true)).toEqual(['Lê Thị Hoa']);
    expect(await names('thủy', true)).toEqual(['Đặng Thị Thuỷ']);
    expect(await names('068165001002')).toEqual(['Trần Thị Hòa']);
    // Surname and given name, skipping the middle name; the last word may be unfinished.
    expect(await names('Nguyễn An')).toEqual(['Nguyễn Văn An']);
    expect(await names('tran th')).toEqual(['Trần Thị Hòa']);
    expect(await names('van a')).toEqual(['Nguyễn Văn An']);
    expect(await names('an nguyen')).toEqual(['Nguyễn Văn An']);
    expect(await names('uyen')).toEqual([]);
    expect(await names('68165001002')).toEqual(['Trần Thị Hòa']);
    const lookups = await handle.db.selectFrom('audit_log').select(['actor', 'entity_id']).where('action', '=', 'member.lookup').execute();
    expect(lookups).toEqual(expect.arrayContaining([{ actor: 'quantri', entity_id: '068165001002' }]));
  });

  it('sorts with Vietnamese collation (D before Đ)', async () => {
    const admin = new Client(server.base);
    await admin.login('quantri', PASSWORD);
    const r = await admin.request('GET', '/api/members?pageSize=2');
    expect(r.body.items.map((m: { fullName: string }) => m.fullName)).toEqual(['Đặng Thị Thuỷ', 'Lê Thị Hoa']);
    expect(r.body.hasMore).toBe(true);
  });
});

describe('import preview', () => {
  it('says an ID is registered in another unit without naming who has it', async () => {
    const a = new Client(server.base);
    await a.login('canbo.a', PASSWORD);
    const form = new FormData();
    form.append('file', new Blob(['Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Chi bộ\nAi Đó,068058001004,10/10/1958,Nam,Chi bộ thôn Một\n']), 'ds.csv');
    const r = await a.request('POST', '/api/imports/members/preview', form);
    expect(r.status).toBe(200);
    expect(r.body.rejected).toEqual([
      { row: 2, errors: [{ field: 'personalId', code: 'personal_id.duplicate_elsewhere', message: 'Số định danh đã có trong danh sách đảng viên của một đơn vị khác.' }] },
    ]);
    expect(JSON.stringify(r.body)).not.toContain('Phạm Văn Bắc');
  });

  it('answers a bad option with 400, not 500', async () => {
    const a = new Client(server.base);
    await a.login('canbo.a', PASSWORD);
    const form = new FormData();
    form.append('organisationId', 'abc');
    form.append('file', new Blob(['Họ và tên,Số định danh cá nhân\n']), 'ds.csv');
    const r = await a.request('POST', '/api/imports/members/preview', form);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation');
  });
});

describe('member search while typing', () => {
  it('finds an accent-exact name before its tone mark has reached its final place (Huỳ… → Huỳnh)', async () => {
    await handle.db
      .insertInto('members')
      .values({ personal_id: '068066001999', full_name: 'Huỳnh Văn Lộc', ...nameKeys('Huỳnh Văn Lộc'), birth_year: 1966, date_of_birth: '1966-06-06', gender: 'male', status: 'official', organisation_id: seed.cellB.id })
      .execute();
    const admin = new Client(server.base);
    await admin.login('quantri', PASSWORD);
    const names = async (q: string) =>
      (await admin.request('GET', `/api/members?q=${encodeURIComponent(q)}&exact=true`)).body.items.map((m: { fullName: string }) => m.fullName);
    expect(await names('Huỳ')).toEqual(['Huỳnh Văn Lộc']);
    expect(await names('huỳnh v')).toEqual(['Huỳnh Văn Lộc']);
    expect(await names('Hủy')).toEqual([]);
    // An ID as people type it: with spaces, dots or dashes.
    for (const typed of ['068 066 001 999', '068.066.001.999', '068-066-001-999']) expect(await names(typed)).toEqual(['Huỳnh Văn Lộc']);
    expect(await names('186123456')).toEqual([]);
  });
});

describe('member edit', () => {
  it('validates fields, refuses stale versions and audits reads and changes', async () => {
    const a = new Client(server.base);
    await a.login('canbo.a', PASSWORD);
    const id = await memberId('068170001003');
    const detail = await a.request('GET', `/api/members/${id}`);
    expect(detail.body).toMatchObject({ fullName: 'Lê Thị Hoa', status: 'probationary', eligible: false, version: 1 });
    const bad = await a.request('PATCH', `/api/members/${id}`, { version: 1, officialOn: '01/01/1990' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ field: 'officialOn', code: 'date.official_before_admitted', message: 'Ngày chính thức phải sau ngày vào Đảng.' })]);
    const ok = await a.request('PATCH', `/api/members/${id}`, { version: 1, officialOn: '01/01/1999', status: 'official', partyCardNumber: '68.000009' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ officialOn: '1999-01-01', eligible: true, version: 2 });
    const stale = await a.request('PATCH', `/api/members/${id}`, { version: 1, phone: '0912345678' });
    expect(stale.status).toBe(409);
    const reads = await handle.db.selectFrom('audit_log').select(['action', 'actor']).where('entity', '=', 'member').where('entity_id', '=', id).execute();
    expect(reads).toEqual(expect.arrayContaining([{ action: 'member.read', actor: 'canbo.a' }, { action: 'member.update', actor: 'canbo.a' }]));
  });

  it('shows SQL and HTML in names back as plain text', async () => {
    const a = new Client(server.base);
    await a.login('canbo.a', PASSWORD);
    const id = await memberId('068062001001');
    const count = async () => Number((await handle.db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const current = await a.request('GET', `/api/members/${id}`);
    const r = await a.request('PATCH', `/api/members/${id}`, { version: current.body.version, fullName: "<b>An</b>'); DELETE FROM members;--" });
    expect(r.status).toBe(200);
    expect(r.body.fullName).toBe("<b>an</b>'); Delete From Members;--");
    expect(await count()).toBe(before);
  });
});

describe('API description', () => {
  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const r = await new Client(server.base).request('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/members', '/api/members/{id}', '/api/session', '/api/organisations/{id}/merge']));
    expect(r.body.paths['/api/members'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'exact', 'organisationId']));
  });
});

describe('audit trail', () => {
  it('verifies, then detects an edited entry', async () => {
    expect(await verifyAudit(handle.db)).toMatchObject({ ok: true });
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(handle.db);
    await sql`UPDATE audit_log SET actor = 'ke-gian' WHERE id = (SELECT min(id) + 3 FROM audit_log)`.execute(handle.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(handle.db);
    expect(await verifyAudit(handle.db)).toMatchObject({ ok: false, reason: 'hash_mismatch' });
  });

  it('refuses updates and deletes through SQL', async () => {
    await expect(sql`DELETE FROM audit_log`.execute(handle.db)).rejects.toThrow(/append-only/);
  });
});
