import type { Role } from '../api.ts';
/** Mirror of the server's grant 'progress.read' (src/platform/permissions.ts decides; permissions.test checks the mirror). */

const READERS: readonly Role[] = ['central_admin', 'provincial_admin', 'party_officer', 'supervisor', 'inspector'];

/** See the progress dashboards and reports of one's scope (the inspector reads, never changes). */
export const canReadProgress = (role: Role): boolean => READERS.includes(role);
