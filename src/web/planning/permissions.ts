import type { Role } from '../api.ts';
/** Who may plan (the server's grant 'campaign.plan' in src/platform/permissions.ts decides; labels.test checks the mirror). */

const PLANNERS: readonly Role[] = ['central_admin', 'provincial_admin', 'supervisor'];

/** Set up intake points and campaigns, plan, move appointments and publish. */
export const canPlan = (role: Role): boolean => PLANNERS.includes(role);
