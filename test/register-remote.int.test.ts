import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { freePort } from '../src/platform/embedded.ts';
import { loadDemo } from '../src/demo/load.ts';
import { embeddedRegister } from '../src/reconciliation/register.ts';
import { RegisterUnavailable, remoteRegister } from '../src/reconciliation/remote-register.ts';
import { createTestDatabase } from './database.ts';
import { startSimulator, stopChildren } from './processes.ts';

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
  await loadDemo(handle, { provinceCode: '11', members: 1500, seed: 9 });
});
afterAll(async () => {
  stopChildren();
  await handle?.close();
});

/** `doithe population serve` as a separate process, as the real register is a separate service. */
const simulator = (port: number, latencyMs: number, failRate: number) => startSimulator(handle.url, port, latencyMs, failRate);

describe('remote register against the simulator', () => {
  it('with latency and 30% failures, every ID is answered exactly as the register holds it, none lost', async () => {
    // Hangs and 503s are injected before the latency-jittered answer; a malformed body also counts as a failure.
    const port = await freePort();
    const child = await simulator(port, 10, 0.3);
    const ids = (await handle.db.selectFrom('members').select('personal_id').execute()).map((r) => r.personal_id);
    const expected = await embeddedRegister(handle.db).lookupMany(ids);
    const remote = remoteRegister({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 500, retries: 12, batchSize: 100, breakerThreshold: 1000 });
    const answered = await remote.lookupMany(ids);
    expect(answered.size).toBe(expected.size);
    for (const [id, record] of expected) expect(answered.get(id)).toEqual(record);
    expect(expected.size).toBeLessThan(ids.length); // some members are missing from the register, and stay missing
    child.kill('SIGTERM');
  });

  it('with the register down, a lookup fails as unavailable (never as "not found") and the circuit opens', async () => {
    const port = await freePort();
    const remote = remoteRegister({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200, retries: 1, breakerThreshold: 2, breakerCooldownMs: 60_000 });
    await expect(remote.lookup('011062001234')).rejects.toBeInstanceOf(RegisterUnavailable);
    await expect(remote.lookup('011062001234')).rejects.toThrow(/circuit open/);
  });
});
