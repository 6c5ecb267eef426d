import type { Role } from '../../api.ts';
/** Who reviews dossiers (the server's grant 'intake.review' in src/platform/permissions.ts decides; labels.test checks the mirror). */

const REVIEWERS: readonly Role[] = ['central_admin', 'provincial_admin', 'supervisor'];

/** See the queue, approve or return dossiers, follow the officers' pace. */
export const canReview = (role: Role): boolean => REVIEWERS.includes(role);
