import { z } from 'zod';
import type { PopulationRegister, RegisterRecord } from './register.ts';

export interface RemoteRegisterOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** Attempts per request after the first. */
  retries?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  batchSize?: number;
  random?: () => number;
}

/** The register did not answer usably (down, slow, open circuit, malformed answer): the check must wait, not pass. */
export class RegisterUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`population register unavailable: ${reason}`);
    this.name = 'RegisterUnavailable';
  }
}

const Answer = z.object({
  found: z.array(
    z.object({
      personalId: z.string().regex(/^\d{12}$/),
      fullName: z.string().min(1),
      dateOfBirth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      gender: z.enum(['male', 'female']),
      hometown: z.string().nullable(),
      permanentAddress: z.string().nullable(),
    }),
  ),
});

/**
 * The register over HTTP: per-request timeout, retries with exponential backoff and full jitter, a concurrency cap,
 * and a circuit breaker so a dead register is not hammered. A malformed answer is a failure, never "not found".
 */
export function remoteRegister(options: RemoteRegisterOptions): PopulationRegister {
  const timeoutMs = options.timeoutMs ?? 2000;
  const retries = options.retries ?? 4;
  const concurrency = options.concurrency ?? 4;
  const threshold = options.breakerThreshold ?? 8;
  const cooldownMs = options.breakerCooldownMs ?? 5000;
  const batchSize = options.batchSize ?? 500;
  const random = options.random ?? Math.random;
  let active = 0;
  const waiting: (() => void)[] = [];
  let consecutiveFailures = 0;
  let openUntil = 0;

  async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  }

  async function attempt(ids: readonly string[]): Promise<RegisterRecord[]> {
    const response = await fetch(`${options.baseUrl}/people/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new RegisterUnavailable(`HTTP ${response.status}`);
    const parsed = Answer.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new RegisterUnavailable('malformed answer');
    const asked = new Set(ids);
    if (parsed.data.found.some((r) => !asked.has(r.personalId))) throw new RegisterUnavailable('answer for an ID not asked');
    return parsed.data.found;
  }

  async function lookupBatch(ids: readonly string[]): Promise<RegisterRecord[]> {
    for (let n = 0; ; n++) {
      if (Date.now() < openUntil) throw new RegisterUnavailable('circuit open');
      try {
        const records = await slot(() => attempt(ids));
        consecutiveFailures = 0;
        return records;
      } catch (error) {
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) openUntil = Date.now() + cooldownMs;
        if (n >= retries) throw error instanceof RegisterUnavailable ? error : new RegisterUnavailable((error as Error).name);
        // Full jitter: a random wait up to 100 ms × 2^n, so retrying clients do not arrive together.
        await new Promise((r) => setTimeout(r, random() * 100 * 2 ** n));
      }
    }
  }

  return {
    async lookup(personalId) {
      return (await lookupBatch([personalId]))[0] ?? null;
    },
    async lookupMany(personalIds) {
      const batches: string[][] = [];
      for (let i = 0; i < personalIds.length; i += batchSize) batches.push(personalIds.slice(i, i + batchSize));
      const answers = await Promise.all(batches.map(lookupBatch));
      return new Map(answers.flat().map((r) => [r.personalId, r]));
    },
  };
}
