import { PASSWORD } from './fixtures.ts';
import type { AddressInfo } from 'node:net';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encryptedFileStore } from '../src/platform/files.ts';
import { buildServer, type ServerOptions } from '../src/server.ts';

export async function temporaryFileStore() {
  const dir = mkdtempSync(path.join(tmpdir(), 'doithe-files-'));
  return encryptedFileStore(path.join(dir, 'files'), path.join(dir, 'files.key'));
}

/** The real server on a loopback port (its job workers polling often), and a cookie-keeping client for it. */
export async function startServer(handle: DatabaseHandle, options: Partial<ServerOptions> = {}) {
  // Photos and signatures of a test server go to a directory of its own, never into ./data.
  const files = options.files ?? (await temporaryFileStore());
  const app = await buildServer({ db: handle.db, pool: handle.pool }, { logLevel: process.env.DOITHE_LOG === '1' ? 'info' : undefined, ...options, files, jobSettings: { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, ...options.jobSettings } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { base, close: () => app.close() };
}

export class Client {
  private cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const isForm = body instanceof FormData;
    const response = await fetch(this.base + url, {
      method,
      headers: {
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  /** A GET whose body is not JSON (a download). */
  download(url: string): Promise<Response> {
    return fetch(this.base + url, { headers: this.cookie ? { cookie: this.cookie } : {} });
  }

  /** A JSON POST whose answer is not JSON (a printout). */
  postForFile(url: string, body: unknown): Promise<Response> {
    return fetch(this.base + url, { method: 'POST', headers: { 'content-type': 'application/json', cookie: this.cookie, 'x-csrf-token': this.csrf }, body: JSON.stringify(body) });
  }

  async login(username: string, password: string) {
    const r = await this.request('POST', '/api/session', { username, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }
}

/** A client signed in as `username` (the fixtures' password), failing the test if sign-in is refused. */
export async function signedInClient(base: string, username: string, password = PASSWORD): Promise<Client> {
  const client = new Client(base);
  const answer = await client.login(username, password);
  if (answer.status !== 200) throw new Error(`sign-in of ${username} refused: ${answer.status}`);
  return client;
}
