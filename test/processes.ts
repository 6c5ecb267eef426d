import { spawn, type ChildProcess } from 'node:child_process';

const children: ChildProcess[] = [];
const output = new WeakMap<ChildProcess, string>();

/** A `doithe` command as its own process, as the real services run; `stopChildren` kills whatever is left. */
export function doithe(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn('node', ['bin/doithe.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  output.set(child, '');
  child.stderr!.on('data', (d) => output.set(child, (output.get(child)! + String(d)).slice(-4000)));
  children.push(child);
  return child;
}

export function stopChildren(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}

/** Resolves once `url` answers 2xx; fails after `seconds`, or at once (with its error output) if `child` has exited. */
export async function answering(url: string, child?: ChildProcess, seconds = 30): Promise<void> {
  for (const started = Date.now(); Date.now() - started < seconds * 1000; ) {
    if (await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode}): ${output.get(child)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${seconds} s${child ? `: ${output.get(child)}` : ''}`);
}

/** `doithe population serve` on the given database, with injected latency and failures. */
export async function startSimulator(databaseUrl: string, port: number, latencyMs: number, failRate: number): Promise<ChildProcess> {
  const child = doithe(['population', 'serve', '--port', String(port), '--latency-ms', String(latencyMs), '--fail-rate', String(failRate)], { DATABASE_URL: databaseUrl });
  await answering(`http://127.0.0.1:${port}/health`, child);
  return child;
}
