import type { Role } from '../api.ts';
/** Mirrors of the server's grants (src/platform/permissions.ts decides; permissions.test checks the mirror). */

const CAPTURERS: readonly Role[] = ['central_admin', 'provincial_admin', 'supervisor', 'intake_officer'];

/** Take dossiers at a counter or on a home visit ('intake.capture'). */
export const canCapture = (role: Role): boolean => CAPTURERS.includes(role);
