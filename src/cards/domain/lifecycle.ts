/**
 * A card's way from the centre to its holder, each step scanned by its number or QR:
 *
 *   produced ──▶ shipped (to the province) ──▶ at_organisation ──▶ handed_over (with the member's signature)
 *
 * and, from any of these, revoked (lost, deceased, left the Party, replaced), which is final.
 */
import type { CardState, RevocationReason } from '../../platform/schema.ts';

/** The steps scanned after production, in order (what `/api/cards/scan` and the card desk offer). */
export const CARD_STEPS = ['shipped', 'at_organisation', 'handed_over'] as const satisfies readonly CardState[];
export type CardStep = (typeof CARD_STEPS)[number];
export const LIFECYCLE: readonly CardState[] = ['produced', ...CARD_STEPS];
/** Every state a card can be in (filters, validation). */
export const CARD_STATES = ['produced', ...CARD_STEPS, 'revoked'] as const satisfies readonly CardState[];
export const REVOCATION_REASONS = ['lost', 'deceased', 'left_party', 'replaced'] as const satisfies readonly RevocationReason[];

export type StepRefusal = 'card.revoked' | 'card.step_out_of_order' | 'card.signature_required';

/** Whether `step` may be recorded on a card in `state`: only the next step, and handover only with a signature. */
export function checkStep(state: CardState, step: CardState, hasSignature: boolean): StepRefusal | null {
  if (state === 'revoked') return 'card.revoked';
  const at = LIFECYCLE.indexOf(state);
  if (step === 'produced' || step === 'revoked' || LIFECYCLE.indexOf(step) !== at + 1) return 'card.step_out_of_order';
  if (step === 'handed_over' && !hasSignature) return 'card.signature_required';
  return null;
}
