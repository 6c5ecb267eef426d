import { roleCan } from '../../platform/permissions.ts';
import type { Role } from '../api.ts';

/** The cards page is for those who send batches, produce cards, record their way or revoke them. */
export const canHandleCards = (role: Role): boolean => (['dossier.send', 'card.produce', 'card.handover'] as const).some((p) => roleCan(role, p));
export { roleCan };
