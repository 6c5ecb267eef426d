import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/platform/embedded.ts';
import { encryptedFileStore } from '../src/platform/files.ts';
import { listCards } from '../src/cards/service.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import type { Actor } from '../src/platform/scope.ts';
import { createTestDatabase } from './database.ts';
import { seedTwoCommunes } from './fixtures.ts';
import { approvedDossier, padSignature } from './intake-fixtures.ts';
import { answering, doithe, stopChildren } from './processes.ts';

// A province and a centre as two deployments: their own databases, data directories and processes; the province's
// batch reaches the centre over HTTP, through the commands an administrator runs.
const run = promisify(execFile);
let province: DatabaseHandle;
let centreDb: DatabaseHandle;
let centre: ChildProcess;
let centreUrl: string;
const provinceDir = mkdtempSync(path.join(tmpdir(), 'doithe-province-'));
const centreDir = mkdtempSync(path.join(tmpdir(), 'doithe-centre-'));

async function cli(databaseUrl: string, ...args: string[]) {
  try {
    const { stdout } = await run('node', ['bin/doithe.js', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  province = await createTestDatabase();
  centreDb = await createTestDatabase();
  await seedTwoCommunes(province);
  // Dossiers approved at the province, their files in the province's own store (as `serve --data` keeps them).
  const files = await encryptedFileStore(path.join(provinceDir, 'files'), path.join(provinceDir, 'files.key'));
  const images = { photo: await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer(), signature: await padSignature() };
  for (const m of await province.db.selectFrom('members').select('id').where('eligible', '=', true).orderBy('id').limit(2).execute()) await approvedDossier(province, files, m.id, images);
  const port = await freePort();
  centreUrl = `http://127.0.0.1:${port}`;
  centre = doithe(['serve', '--role', 'central', '--port', String(port), '--data', centreDir], { DATABASE_URL: centreDb.url });
  await answering(`${centreUrl}/api/health`, centre, 60);
});
afterAll(async () => {
  stopChildren();
  await province?.close();
  await centreDb?.close();
});

describe('a province and a remote centre', () => {
  it('sends only once the centre enrolled the province key and the province holds the root key; a second run sends nothing', async () => {
    const refused = await cli(province.url, 'send', 'batch', '--province', '68', '--centre-url', centreUrl, '--data', provinceDir, '--json');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('chưa được Trung ương đăng ký');
    // The administrators' steps: the province's public key to the centre, the centre's root key to the province.
    const key = await cli(province.url, 'send', 'key', '--province', '68', '--data', provinceDir);
    writeFileSync(path.join(centreDir, 'p68.pem'), key.stdout);
    const enrolled = await cli(centreDb.url, 'centre', 'enrol', '--province', '68', '--key', path.join(centreDir, 'p68.pem'), '--data', centreDir);
    expect(enrolled.stdout).toMatch(/Đã đăng ký khoá P68-\S+ cho tỉnh 68/);
    writeFileSync(path.join(provinceDir, 'keys', 'root.pub.pem'), await (await fetch(`${centreUrl}/api/public/root-key`)).text());
    // The refused batch is still there; a new batch takes the dossiers again (the refused one holds none).
    const sent = await cli(province.url, 'send', 'batch', '--province', '68', '--centre-url', centreUrl, '--data', provinceDir, '--json');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout.trim().split('\n').pop()!)).toMatchObject({ batch: { state: 'acknowledged', dossiers: 2, accepted: 2, conflicts: 0 } });
    expect((await province.db.selectFrom('dossiers').select('state').execute()).map((d) => d.state)).toEqual(['sent', 'sent']);
    expect(Number((await centreDb.db.selectFrom('centre_records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(2);
    const again = await cli(province.url, 'send', 'batch', '--province', '68', '--centre-url', centreUrl, '--data', provinceDir, '--json');
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!)).toEqual({ batch: null });
    // The centre produces the cards from what it received.
    const produced = await cli(centreDb.url, 'card', 'produce', '--data', centreDir, '--json');
    expect(JSON.parse(produced.stdout.trim().split('\n').pop()!)).toMatchObject({ cards: 2 });
    // The province's staff handle their cards at the centre (which does not hold the province's tree); another
    // province's do not see them.
    const staff = (provinceCode: string): Actor => ({ userId: null, username: `tinh.${provinceCode}`, role: 'provincial_admin', scope: { all: false, provinceCode } });
    expect((await listCards(centreDb.db, staff('68'), { page: 1, pageSize: 10 })).total).toBe(2);
    expect((await listCards(centreDb.db, staff('01'), { page: 1, pageSize: 10 })).total).toBe(0);
  }, 120_000);
});
