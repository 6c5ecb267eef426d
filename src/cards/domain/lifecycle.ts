/**
 * A card's way from the centre to its holder, each step scanned by its number or QR:
 *
 *   produced ──▶ shipped (to the province) ──▶ at_organisation ──▶ handed_over (with the member's signature)
 *
 * and, from any of these, revoked (lost, deceased, left the Party, replaced), which is final.
 */
import type { CardState, RevocationReason } from '../../platform/schema.ts';

export const LIFECYCLE: readonly CardState[] = ['produced', 'shipped', 'at_organisation', 'handed_over'];
export const REVOCATION_REASONS: readonly RevocationReason[] = ['lost', 'deceased', 'left_party', 'replaced'];

export type StepRefusal = 'card.revoked' | 'card.step_out_of_order' | 'card.signature_required';

/** Whether `step` may be recorded on a card in `state`: only the next step, and handover only with a signature. */
export function checkStep(state: CardState, step: CardState, hasSignature: boolean): StepRefusal | null {
  if (state === 'revoked') return 'card.revoked';
  const at = LIFECYCLE.indexOf(state);
  if (step === 'produced' || step === 'revoked' || LIFECYCLE.indexOf(step) !== at + 1) return 'card.step_out_of_order';
  if (step === 'handed_over' && !hasSignature) return 'card.signature_required';
  return null;
}
