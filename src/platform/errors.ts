/** Errors carry a stable code; messages come from the i18n catalogue, never from the code site. */
export interface Issue {
  row?: number;
  field?: string;
  code: string;
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    readonly issues: Issue[] = [],
  ) {
    super(code);
    this.name = 'AppError';
  }
}

/** HTTP status for an error code, by its suffix. Out-of-scope reads are "not found" on purpose. */
export function statusOf(code: string): number {
  if (code.endsWith('.not_found')) return 404;
  if (code.startsWith('auth.unauthenticated')) return 401;
  if (code.startsWith('auth.forbidden') || code === 'auth.csrf' || code === 'centre.unknown_province_key') return 403;
  if (code === 'centre.batch_reused') return 409;
  if (code === 'centre.busy') return 503;
  if (code === 'centre.batch_tampered' || code === 'centre.manifest_invalid') return 422;
  if (code === 'auth.locked' || code === 'auth.rate_limited') return 429;
  if (code.endsWith('.conflict') || code.endsWith('.duplicate') || code.endsWith('.stale')) return 409;
  if (code.endsWith('.too_large')) return 413;
  return 400;
}
