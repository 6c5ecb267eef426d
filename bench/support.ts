import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp } from '../src/platform/context.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';

export const tiny = process.env.BENCH_SIZE === 'tiny';

/**
 * A throw-away embedded database (or DATABASE_URL's, which must then be empty). BENCH_KEEP_DB=DIR keeps it in DIR
 * instead, for a bench that can start again from what it loaded (bench/dashboard.ts: the nation takes minutes).
 */
export async function benchDatabase(): Promise<DatabaseHandle & { dispose(): Promise<void> }> {
  const keep = process.env.BENCH_KEEP_DB;
  const dir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'doithe-bench-'));
  if (keep) mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const handle = await openApp({ dataDir: dir, poolSize: 4 });
  return {
    ...handle,
    async dispose() {
      await handle.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
