import type { Role } from './schema.ts';
import { AppError } from './errors.ts';
import type { Actor } from './scope.ts';

export type Permission =
  | 'member.read'
  | 'member.write'
  | 'member.import'
  | 'organisation.write'
  | 'user.manage'
  | 'audit.verify';

const GRANTS: Record<Role, readonly Permission[]> = {
  central_admin: ['member.read', 'member.write', 'member.import', 'organisation.write', 'user.manage', 'audit.verify'],
  provincial_admin: ['member.read', 'member.write', 'member.import', 'organisation.write', 'user.manage'],
  party_officer: ['member.read', 'member.write', 'member.import', 'organisation.write'],
  supervisor: ['member.read', 'member.write'],
  intake_officer: ['member.read'],
  inspector: ['member.read'],
};

export const ROLES = Object.keys(GRANTS) as Role[];

export function can(actor: Actor, permission: Permission): boolean {
  return GRANTS[actor.role].includes(permission);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new AppError('auth.forbidden', { permission });
}
