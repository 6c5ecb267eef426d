import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardState } from '../../platform/schema.ts';
import { checkStep, LIFECYCLE } from './lifecycle.ts';

const STATES: CardState[] = [...LIFECYCLE, 'revoked'];

describe('card lifecycle', () => {
  it('takes the steps in order, each once, handover only with a signature, nothing after revocation', () => {
    // Every legal step once, in order: a checkStep refusing everything would fail here.
    expect(LIFECYCLE.slice(1).map((step, i) => checkStep(LIFECYCLE[i]!, step, true))).toEqual([null, null, null]);
    fc.assert(
      fc.property(fc.array(fc.record({ step: fc.constantFrom(...STATES), signed: fc.boolean() }), { maxLength: 12 }), fc.boolean(), (attempts, revokeMidway) => {
        let state: CardState = 'produced';
        const taken: CardState[] = [state];
        attempts.forEach(({ step, signed }, i) => {
          if (revokeMidway && i === Math.floor(attempts.length / 2)) state = 'revoked';
          const refusal = checkStep(state, step, signed);
          if (state === 'revoked') expect(refusal).toBe('card.revoked');
          // The next step, signed when it is the handover, is always taken.
          const next = state !== 'revoked' && LIFECYCLE.indexOf(step) === LIFECYCLE.indexOf(state) + 1;
          if (next && (step !== 'handed_over' || signed)) expect(refusal).toBeNull();
          if (!refusal) {
            expect(LIFECYCLE.indexOf(step)).toBe(LIFECYCLE.indexOf(state) + 1);
            if (step === 'handed_over') expect(signed).toBe(true);
            state = step;
            taken.push(step);
          }
        });
        // Whatever was tried, the steps taken are a prefix of the lifecycle.
        expect(taken).toEqual(LIFECYCLE.slice(0, taken.length));
      }),
      { numRuns: 500 },
    );
  });
});
