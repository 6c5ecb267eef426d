import type { Role } from '../api.ts';
/** Who may do what on the cross-check screens (the server's grants in src/platform/permissions.ts decide; labels.test checks the mirror). */

const DECIDERS: readonly Role[] = ['central_admin', 'provincial_admin', 'party_officer', 'supervisor'];

/** Start a whole-list check of a scope. */
export const canRunReconciliation = (role: Role): boolean => DECIDERS.includes(role);

/** Correct, keep with a reason, or refer a mismatch. */
export const canDecide = (role: Role): boolean => DECIDERS.includes(role);

/** Ask the register about one member now. */
export const canCheckRegister = (role: Role): boolean => role !== 'inspector';
