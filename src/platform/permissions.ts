import type { Role } from './schema.ts';
import { AppError } from './errors.ts';
import type { Actor } from './scope.ts';

export type Permission =
  | 'member.read'
  | 'member.write'
  | 'member.import'
  | 'organisation.write'
  | 'user.manage'
  | 'audit.verify'
  /** Ask the population register about a member (the counter's live check). */
  | 'register.check'
  /** Start a whole-list cross-check of a scope. */
  | 'reconciliation.run'
  /** Decide what to do about a mismatch (correct, keep with a reason, refer to the police). */
  | 'reconciliation.decide'
  /** Set up intake points and campaigns, plan and publish schedules. */
  | 'campaign.plan'
  /** Take a member's dossier at a counter or a home visit. */
  | 'intake.capture'
  /** Approve or return confirmed dossiers (the point's supervisor). */
  | 'intake.review'
  /** Read the progress counters of a scope (dashboards); the inspector reads but never changes. */
  | 'progress.read'
  /** Send a province's approved dossiers to the centre in signed batches. */
  | 'dossier.send'
  /** At the centre: produce cards from accepted records, print them. */
  | 'card.produce'
  /** Record a card's way: shipped, at the organisation, handed to the member. */
  | 'card.handover'
  /** Revoke a card (lost, deceased, left the Party, replaced). */
  | 'card.revoke';

const GRANTS: Record<Role, readonly Permission[]> = {
  central_admin: ['member.read', 'member.write', 'member.import', 'organisation.write', 'user.manage', 'audit.verify', 'register.check', 'reconciliation.run', 'reconciliation.decide', 'campaign.plan', 'intake.capture', 'intake.review', 'progress.read', 'dossier.send', 'card.produce', 'card.handover', 'card.revoke'],
  provincial_admin: ['member.read', 'member.write', 'member.import', 'organisation.write', 'user.manage', 'register.check', 'reconciliation.run', 'reconciliation.decide', 'campaign.plan', 'intake.capture', 'intake.review', 'progress.read', 'dossier.send', 'card.handover', 'card.revoke'],
  party_officer: ['member.read', 'member.write', 'member.import', 'organisation.write', 'register.check', 'reconciliation.run', 'reconciliation.decide', 'progress.read', 'card.handover'],
  supervisor: ['member.read', 'member.write', 'register.check', 'reconciliation.run', 'reconciliation.decide', 'campaign.plan', 'intake.capture', 'intake.review', 'progress.read'],
  intake_officer: ['member.read', 'register.check', 'intake.capture'],
  inspector: ['member.read', 'progress.read'],
};

export const ROLES = Object.keys(GRANTS) as Role[];

/** Whether a role holds a grant (the web shows what the server will allow from this same table). */
export const roleCan = (role: Role, permission: Permission): boolean => GRANTS[role].includes(permission);

export function can(actor: Actor, permission: Permission): boolean {
  return roleCan(actor.role, permission);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new AppError('auth.forbidden', { permission });
}
