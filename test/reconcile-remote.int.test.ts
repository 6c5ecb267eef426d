import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { freePort } from '../src/platform/embedded.ts';
import { openJobs } from '../src/platform/jobs.ts';
import { cliActor } from '../src/platform/scope.ts';
import { loadDemo } from '../src/demo/load.ts';
import { provinceCommittee } from '../src/reference/service.ts';
import { addUser } from '../src/users/service.ts';
import { embeddedRegister } from '../src/reconciliation/register.ts';
import { remoteRegister } from '../src/reconciliation/remote-register.ts';
import { reconcile } from '../src/reconciliation/service.ts';
import { startReconciliationWorkers } from '../src/reconciliation/jobs.ts';
import { createTestDatabase } from './database.ts';
import { startSimulator, stopChildren } from './processes.ts';
import { PASSWORD } from './fixtures.ts';
import { Client, startServer } from './http.ts';

const run = promisify(execFile);
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
  await loadDemo(handle, { provinceCode: '11', members: 1200, seed: 21 });
});
afterAll(async () => {
  stopChildren();
  await handle?.close();
});

/** `doithe population serve` as a separate process, as the real register is a separate service. */
const simulator = (port: number, latencyMs: number, failRate: number) => startSimulator(handle.url, port, latencyMs, failRate);

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, seconds = 60): Promise<T> {
  for (let started = Date.now(); ; ) {
    const value = await probe();
    if (done(value) || Date.now() - started > seconds * 1000) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every member's stored result, as the embedded register gives it: what any register path must end with. */
async function storedResults() {
  const rows = await handle.db.selectFrom('reconciliation_results').select(['member_id', 'status', 'differences']).orderBy('member_id').execute();
  return new Map(rows.map((r) => [r.member_id, { status: r.status, differences: r.differences }]));
}

describe('reconciliation through the remote register', () => {
  it('at 30% failures every member ends checked exactly once, with the results the register holds, nothing lost', async () => {
    await reconcile(handle.db, cliActor(), embeddedRegister(handle.db));
    const expected = await storedResults();
    await handle.db.deleteFrom('reconciliation_results').execute();

    const port = await freePort();
    const child = await simulator(port, 5, 0.3);
    const { stdout } = await run('node', ['bin/doithe.js', 'reconcile', '--json', '--register-url', `http://127.0.0.1:${port}`], {
      env: { ...process.env, DATABASE_URL: handle.url },
      maxBuffer: 64 << 20,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { checked: number; matched: number; mismatched: { personalId: string }[]; notFound: string[]; awaiting?: string[] };
    // None twice: each member appears in exactly one list of the report.
    const listed = [...report.mismatched.map((m) => m.personalId), ...report.notFound, ...(report.awaiting ?? [])];
    expect(new Set(listed).size).toBe(listed.length);
    expect(report.checked + (report.awaiting?.length ?? 0)).toBe(expected.size);
    expect(report.matched + report.mismatched.length + report.notFound.length).toBe(report.checked);

    // What the register could not answer waits for the job, which completes it.
    const jobs = await openJobs(handle.pool, { work: true, pollingIntervalSeconds: 0.5 });
    try {
      const register = remoteRegister({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 500, retries: 12, breakerThreshold: 1000 });
      await startReconciliationWorkers(jobs, handle.db, register, { retryDelaySeconds: 1, pollingIntervalSeconds: 0.5 });
      const awaiting = () => handle.db.selectFrom('reconciliation_results').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'awaiting').executeTakeFirstOrThrow();
      expect(Number((await until(awaiting, (r) => r.n === '0')).n)).toBe(0);
    } finally {
      await jobs.stop({ graceful: false, close: false });
    }
    expect(await storedResults()).toEqual(expected);
    child.kill('SIGTERM');
  });

  it('with the register down, the counter’s checks are recorded as awaiting and complete when it returns', async () => {
    const province = await provinceCommittee(handle.db, '11');
    await addUser(handle.db, cliActor(), { username: 'congan.quay', fullName: 'Cán bộ tiếp nhận', password: PASSWORD, role: 'intake_officer', organisationId: province.id });
    await reconcile(handle.db, cliActor(), embeddedRegister(handle.db));
    const expected = await storedResults();
    const members = [...expected.keys()].slice(0, 6);
    await handle.db.deleteFrom('reconciliation_results').execute();

    const port = await freePort();
    const register = remoteRegister({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300, retries: 1, breakerThreshold: 3, breakerCooldownMs: 500 });
    const server = await startServer(handle, { register });
    try {
      const client = new Client(server.base);
      expect((await client.login('congan.quay', PASSWORD)).status).toBe(200);
      for (const id of members) {
        const r = await client.request('POST', `/api/members/${id}/reconciliation/check`);
        expect(r.status).toBe(200);
        expect(r.body.result.status).toBe('awaiting');
      }
      // An ID of the wrong shape is refused with a clear message, before anything is asked.
      const bad = await client.request('POST', '/api/reconciliation/check', { personalId: '12345' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues[0]).toMatchObject({ field: 'personalId', message: 'Số định danh cá nhân phải gồm 12 chữ số.' });

      await simulator(port, 5, 0);
      for (const id of members) {
        const r = await until(() => client.request('GET', `/api/members/${id}/reconciliation`), (x) => x.body.result?.status !== 'awaiting');
        expect({ id, status: r.body.result.status, differences: r.body.result.differences }).toEqual({ id, ...expected.get(id)! });
      }
    } finally {
      await server.close();
    }
  });
});
