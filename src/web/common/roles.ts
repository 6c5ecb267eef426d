import type { Role } from '../api.ts';

export const isAdmin = (role: Role): boolean => role === 'central_admin' || role === 'provincial_admin';

/** Who may create, rename, move, merge and close party organisations. */
export const canManageOrganisations = (role: Role): boolean => isAdmin(role) || role === 'party_officer';

/** Who may edit member records and import lists. */
export const canEditMembers = (role: Role): boolean => isAdmin(role) || role === 'party_officer';
