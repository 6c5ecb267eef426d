import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../platform/scope.ts';

/**
 * "Organisation `alias` is inside the scope": every organisation or member query goes through it
 * (member queries apply it to the member's own cell, joined as `o`).
 */
export function organisationInScope(scope: Scope, alias: string): RawBuilder<SqlBool> {
  if (scope.all) return sql<SqlBool>`true`;
  const parts = [];
  if (scope.organisationPath) parts.push(sql`${sql.ref(`${alias}.path`)} LIKE ${scope.organisationPath + '%'}`);
  if (scope.provinceCode) parts.push(sql`${sql.ref(`${alias}.province_code`)} = ${scope.provinceCode}`);
  if (scope.communeCode) parts.push(sql`${sql.ref(`${alias}.commune_code`)} = ${scope.communeCode}`);
  // A non-global scope with no bounds sees nothing.
  if (parts.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}
