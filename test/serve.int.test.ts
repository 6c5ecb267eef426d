import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/platform/embedded.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'doithe-serve-'));
chmodSync(dataDir, 0o755);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** `doithe serve --demo` on the embedded database, as the README's start command runs it. */
async function serve(port: number) {
  const { DATABASE_URL: _omit, ...env } = process.env;
  const child = spawn('node', ['bin/doithe.js', 'serve', '--demo', '--port', String(port), '--data', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const started = Date.now();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status === 200, () => false);
    if (ok) return { child, output: () => output, seconds: (Date.now() - started) / 1000 };
    if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
    if (Date.now() - started > 60_000) throw new Error(`serve did not answer within 60 s: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('doithe serve', () => {
  it('starts on an empty data directory with a demo province, survives kill -9, and stops cleanly', async () => {
    const port = await freePort();
    const first = await serve(port);
    expect(first.output()).toContain(`http://127.0.0.1:${port}/`);
    expect(first.output()).toContain('admin / doithe@2025');
    const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(html).toMatch(/<html[^>]*lang="vi"/);
    const login = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'doithe@2025' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const count = async (p: number) => {
      const r = await fetch(`http://127.0.0.1:${p}/api/organisations/roots`, { headers: { cookie } });
      return (await r.json()) as { name: string; memberCount: number }[];
    };
    const members = (await count(port))[0]!.memberCount;
    expect(members).toBe(5000);

    first.child.kill('SIGKILL');
    await exited(first.child);
    const second = await serve(port);
    expect(second.output()).not.toContain('Cơ sở dữ liệu trống');
    expect((await count(port))[0]!.memberCount).toBe(members);

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});
