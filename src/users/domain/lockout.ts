/** Account lockout after repeated failed sign-ins. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export function lockAfterFailure(failedLogins: number, now: Date): Date | null {
  return failedLogins >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
}

/** Per-client sliding window, in memory: a second line of defence against spraying many usernames. */
export class AttemptWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records an attempt; false when the client is over its limit. */
  allow(key: string, now = Date.now()): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.prune(now);
    return recent.length <= this.limit;
  }

  private prune(now: number) {
    for (const [key, times] of this.hits) if (times.every((t) => now - t >= this.windowMs)) this.hits.delete(key);
  }
}
