import type { Role } from './schema.ts';

/**
 * What a caller may see: the whole country, or the intersection of an organisation subtree
 * (materialised path prefix) and/or a geography (province, commune).
 */
export interface Scope {
  all: boolean;
  organisationPath?: string;
  provinceCode?: string;
  communeCode?: string;
}

/** Who is acting: a signed-in user, or the local CLI (which has the database anyway). */
export interface Actor {
  userId: string | null;
  username: string;
  role: Role;
  scope: Scope;
}

export const WHOLE_COUNTRY: Scope = { all: true };

export function cliActor(): Actor {
  return { userId: null, username: `cli:${process.env.USER ?? 'local'}`, role: 'central_admin', scope: WHOLE_COUNTRY };
}

/** Compact text form of a scope for the audit trail. */
export function describeScope(scope: Scope): string {
  if (scope.all) return '*';
  return [scope.organisationPath && `org:${scope.organisationPath}`, scope.provinceCode && `province:${scope.provinceCode}`, scope.communeCode && `commune:${scope.communeCode}`]
    .filter(Boolean)
    .join(' ');
}

/**
 * A scope as a compiled-once look-up takes it (platform/db.ts `preparedLookup`): its bounds as values, the shape (which
 * bounds it has) that decides the query's text, and the scope rebuilt around the look-up's placeholders.
 */
export const scopeLookup = {
  values: (scope: Scope) => ({ path: scope.organisationPath ?? '', province: scope.provinceCode ?? '', commune: scope.communeCode ?? '' }),
  shape: (scope: Scope) => [scope.all, !!scope.organisationPath, !!scope.provinceCode, !!scope.communeCode].map(Number).join(''),
  placeholders: (shape: string, values: { path: string; province: string; commune: string }): Scope => ({
    all: shape[0] === '1',
    ...(shape[1] === '1' && { organisationPath: values.path }),
    ...(shape[2] === '1' && { provinceCode: values.province }),
    ...(shape[3] === '1' && { communeCode: values.commune }),
  }),
};
