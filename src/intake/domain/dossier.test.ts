import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  approve, confirm, markReadyToSend, markSent, missingSteps, openDossier, recordCorrection, recordStep, returnDossier,
  type Dossier, type DossierResult, type DossierStatus, type Step, type When,
} from './dossier.ts';

const OFFICER = '11';
const SUPERVISOR = '22';
let clock = 0;
const now = (): When => ({ at: new Date(Date.UTC(2025, 7, 15, 1, 0, clock++)).toISOString() });

function ok(result: DossierResult): Dossier {
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.dossier;
}

/** photo, cross-check and signature, in intake order. */
function readyToConfirm(dossier = openDossier('7')): Dossier {
  let d = dossier;
  for (const step of ['photo', 'cross_check', 'signature'] as const) d = ok(recordStep(d, step, OFFICER, now()));
  return d;
}

describe('dossier', () => {
  it('goes from intake to sent, each step and transition with who and when', () => {
    let d = openDossier('7');
    d = ok(recordStep(d, 'declaration', OFFICER, now()));
    d = ok(recordStep(d, 'data_entry', OFFICER, now()));
    d = ok(recordStep(d, 'photo', OFFICER, { at: '2025-08-15T01:10:00.000Z', deviceAt: '2025-08-15T08:09:57+07:00' }));
    d = readyToConfirm(d);
    d = ok(confirm(d, OFFICER, now(), { openMismatch: false }));
    d = ok(approve(d, SUPERVISOR, now()));
    d = ok(markReadyToSend(d, SUPERVISOR, now()));
    d = ok(markSent(d, SUPERVISOR, now()));
    expect(d.status).toBe('sent');
    expect(Object.keys(d.steps).sort()).toEqual(['cross_check', 'data_entry', 'declaration', 'photo', 'sending', 'signature']);
    expect(d.history.map((t) => `${t.from}>${t.to}:${t.by}`)).toEqual([
      'in_progress>confirmed:11', 'confirmed>approved:22', 'approved>ready_to_send:22', 'ready_to_send>sent:22',
    ]);
    expect(d.steps.sending?.by).toBe(SUPERVISOR);
  });

  it('keeps the device time beside the server time', () => {
    const d = ok(recordStep(openDossier('7'), 'photo', OFFICER, { at: '2025-08-15T01:10:00.000Z', deviceAt: '2025-08-15T08:09:57+07:00' }));
    expect(d.steps.photo).toMatchObject({ by: OFFICER, at: '2025-08-15T01:10:00.000Z', deviceAt: '2025-08-15T08:09:57+07:00' });
    expect('deviceAt' in ok(recordStep(d, 'signature', OFFICER, now())).steps.signature!).toBe(false);
  });

  it('does not need declaration or data entry when nothing changed', () => {
    expect(confirm(readyToConfirm(), OFFICER, now(), { openMismatch: false }).ok).toBe(true);
  });

  it('refuses to confirm without photo, cross-check and signature, or with an open mismatch', () => {
    const d = openDossier('7');
    expect(confirm(d, OFFICER, now(), { openMismatch: false })).toEqual({ ok: false, code: 'dossier.missing_step', params: { step: 'dossier.step.photo' } });
    const noSignature = ok(recordStep(ok(recordStep(d, 'photo', OFFICER, now())), 'cross_check', OFFICER, now()));
    expect(missingSteps(noSignature)).toEqual(['signature']);
    expect(confirm(readyToConfirm(), OFFICER, now(), { openMismatch: true })).toEqual({ ok: false, code: 'dossier.open_mismatch' });
  });

  it('keeps corrections with their old value, and wants the cross-check and signature again after one', () => {
    const signed = readyToConfirm();
    const corrected = ok(recordCorrection(signed, { field: 'dateOfBirth', old: '1962-05-09', new: '1962-09-05' }, OFFICER, now()));
    expect(corrected.corrections).toMatchObject([{ field: 'dateOfBirth', old: '1962-05-09', new: '1962-09-05', by: OFFICER }]);
    expect(corrected.steps.data_entry?.by).toBe(OFFICER);
    expect(missingSteps(corrected)).toEqual(['cross_check', 'signature']);
    expect(confirm(corrected, OFFICER, now(), { openMismatch: false })).toMatchObject({ ok: false, code: 'dossier.missing_step' });
    const rechecked = ok(recordStep(ok(recordStep(corrected, 'cross_check', OFFICER, now())), 'signature', OFFICER, now()));
    expect(confirm(rechecked, OFFICER, now(), { openMismatch: false }).ok).toBe(true);
    // A value left as it was is no correction.
    expect(ok(recordCorrection(signed, { field: 'fullName', old: 'An', new: 'An' }, OFFICER, now()))).toBe(signed);
  });

  it('is returned with a reason, must be confirmed again, and forgets the reason once confirmed', () => {
    const confirmed = ok(confirm(readyToConfirm(), OFFICER, now(), { openMismatch: false }));
    expect(returnDossier(confirmed, SUPERVISOR, now(), '  ')).toEqual({ ok: false, code: 'dossier.reason_required', params: { min: '3' } });
    const returned = ok(returnDossier(confirmed, SUPERVISOR, now(), ' Ảnh  bị mờ '));
    expect(returned).toMatchObject({ status: 'returned', returnReason: 'Ảnh bị mờ' });
    expect(returned.history.at(-1)).toMatchObject({ from: 'confirmed', to: 'returned', by: SUPERVISOR, reason: 'Ảnh bị mờ' });
    expect(approve(returned, SUPERVISOR, now())).toEqual({ ok: false, code: 'dossier.bad_transition', params: { status: 'dossier.status.returned' } });
    const retaken = ok(recordStep(returned, 'photo', OFFICER, now()));
    expect(retaken.status).toBe('in_progress');
    expect(missingSteps(retaken)).toEqual(['signature']);
    const reconfirmed = ok(confirm(ok(recordStep(retaken, 'signature', OFFICER, now())), OFFICER, now(), { openMismatch: false }));
    expect(reconfirmed).toMatchObject({ status: 'confirmed', returnReason: null });
  });

  it('refuses changes once confirmed, and sending before it is ready', () => {
    const confirmed = ok(confirm(readyToConfirm(), OFFICER, now(), { openMismatch: false }));
    expect(recordStep(confirmed, 'photo', OFFICER, now())).toMatchObject({ ok: false, code: 'dossier.bad_transition' });
    expect(recordCorrection(confirmed, { field: 'fullName', old: 'A', new: 'B' }, OFFICER, now())).toMatchObject({ ok: false, code: 'dossier.bad_transition' });
    expect(markReadyToSend(confirmed, SUPERVISOR, now())).toMatchObject({ ok: false, code: 'dossier.bad_transition' });
    expect(markSent(ok(approve(confirmed, SUPERVISOR, now())), SUPERVISOR, now())).toMatchObject({ ok: false, code: 'dossier.bad_transition' });
    expect(recordStep(openDossier('7'), 'sending', OFFICER, now())).toMatchObject({ ok: false, code: 'dossier.bad_transition' });
  });
});

// ---- property tests: random sequences of operations against a small independent model ----

type Op =
  | { kind: 'step'; step: Step }
  | { kind: 'correct'; same: boolean }
  | { kind: 'confirm'; openMismatch: boolean }
  | { kind: 'approve' }
  | { kind: 'return'; reason: string }
  | { kind: 'ready' }
  | { kind: 'sent' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('step' as const), step: fc.constantFrom<Step>('declaration', 'data_entry', 'photo', 'cross_check', 'signature', 'sending') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('correct' as const), same: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('confirm' as const), openMismatch: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'approve' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('return' as const), reason: fc.constantFrom('', ' ', 'ab', 'Ảnh mờ', 'Sai ngày sinh') }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'ready' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sent' as const }) },
);

/** Single operations, and now and then the three required steps in order, so that runs get past confirmation. */
const opsArb: fc.Arbitrary<Op[]> = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: opArb.map((op) => [op]) },
      { weight: 1, arbitrary: fc.constant((['photo', 'cross_check', 'signature'] as const).map((step): Op => ({ kind: 'step', step }))) },
    ),
    { maxLength: 40, size: 'max' },
  )
  .map((chunks) => chunks.flat());

const whenArb = fc.record({ at: fc.integer({ min: 0, max: 10 ** 9 }), device: fc.option(fc.integer({ min: 0, max: 10 ** 9 }), { nil: undefined }) });
const iso = (seconds: number) => new Date(Date.UTC(2025, 7, 1) + seconds * 1000).toISOString();

function apply(d: Dossier, op: Op, w: When): DossierResult {
  switch (op.kind) {
    case 'step': return recordStep(d, op.step, OFFICER, w);
    case 'correct': return recordCorrection(d, { field: 'fullName', old: 'Nguyễn Văn Hoa', new: op.same ? 'Nguyễn Văn Hoa' : 'Nguyễn Văn Hòa' }, OFFICER, w);
    case 'confirm': return confirm(d, OFFICER, w, { openMismatch: op.openMismatch });
    case 'approve': return approve(d, SUPERVISOR, w);
    case 'return': return returnDossier(d, SUPERVISOR, w, op.reason);
    case 'ready': return markReadyToSend(d, SUPERVISOR, w);
    case 'sent': return markSent(d, SUPERVISOR, w);
  }
}

const ALLOWED = new Set(['in_progress>confirmed', 'returned>confirmed', 'returned>in_progress', 'confirmed>approved', 'confirmed>returned', 'approved>ready_to_send', 'ready_to_send>sent']);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** What the dossier should allow, tracked independently of its sequence numbers. */
interface Model {
  photo: boolean;
  crossCheckCurrent: boolean;
  signatureCurrent: boolean;
  confirmedSinceReturn: boolean;
}

describe('dossier state machine (properties)', () => {
  const reached = new Set<string>();
  afterAll(() => {
    // The runs are not vacuous: they get through every status, and past a return to a new confirmation.
    expect([...reached].sort()).toEqual(['approved', 'confirmed', 'confirmed_again', 'in_progress', 'ready_to_send', 'returned', 'sent']);
  });

  it('never confirms without current photo, cross-check and signature or with an open mismatch; never skips approval; a return needs a new confirmation', () => {
    fc.assert(
      fc.property(opsArb, fc.infiniteStream(whenArb), (ops, whens) => {
        let d = deepFreeze(openDossier('7'));
        const model: Model = { photo: false, crossCheckCurrent: false, signatureCurrent: false, confirmedSinceReturn: false };
        for (const op of ops) {
          const when = whens.next().value;
          const w: When = when.device === undefined ? { at: iso(when.at) } : { at: iso(when.at), deviceAt: iso(when.device) };
          const before = JSON.stringify(d);
          const result = apply(d, op, w); // d is frozen: any mutation throws
          expect(JSON.stringify(d)).toBe(before);
          const editable = d.status === 'in_progress' || d.status === 'returned';

          if (op.kind === 'confirm') {
            const complete = model.photo && model.crossCheckCurrent && model.signatureCurrent;
            expect(result.ok).toBe(editable && complete && !op.openMismatch);
            if (!result.ok) expect(result.code).toBe(!editable ? 'dossier.bad_transition' : !complete ? 'dossier.missing_step' : 'dossier.open_mismatch');
          }
          if (op.kind === 'step' && (op.step === 'sending' || !editable)) expect(result.ok).toBe(false);
          if (op.kind === 'return' && d.status === 'confirmed') expect(result.ok).toBe(op.reason.trim().length >= 3);
          if (!result.ok) continue;

          const next = result.dossier;
          const change = `${d.status}>${next.status}`;
          if (d.status !== next.status) expect(ALLOWED.has(change)).toBe(true);
          if (next.status === 'confirmed' && d.status !== 'confirmed') {
            expect(op).toMatchObject({ kind: 'confirm', openMismatch: false });
            expect(missingSteps(d)).toEqual([]);
          }
          if (next.status === 'approved' && d.status !== 'approved') expect(model.confirmedSinceReturn).toBe(true);
          if (next.status === 'ready_to_send' && d.status !== 'ready_to_send') expect(d.status).toBe('approved');

          // The independent model.
          if (op.kind === 'step') {
            if (op.step === 'photo') model.photo = true;
            if (op.step === 'data_entry') model.crossCheckCurrent = false;
            model.crossCheckCurrent ||= op.step === 'cross_check';
            model.signatureCurrent = op.step === 'signature';
          }
          if (op.kind === 'correct' && !op.same) model.crossCheckCurrent = model.signatureCurrent = false;
          if (op.kind === 'confirm') model.confirmedSinceReturn = true;
          if (op.kind === 'return') model.confirmedSinceReturn = false;
          reached.add(next.status);
          if (change.endsWith('>confirmed') && d.history.some((t) => t.to === 'returned')) reached.add('confirmed_again');
          d = deepFreeze(next);
        }

        // The recorded history is one unbroken path through the allowed transitions.
        let status: DossierStatus = 'in_progress';
        for (const t of d.history) {
          expect(t.from).toBe(status);
          expect(ALLOWED.has(`${t.from}>${t.to}`)).toBe(true);
          if (t.to === 'returned') expect(t.reason?.length).toBeGreaterThanOrEqual(3);
          status = t.to;
        }
        expect(status).toBe(d.status);
        // Corrections never lose the old value.
        for (const c of d.corrections) expect(c).toMatchObject({ old: 'Nguyễn Văn Hoa', new: 'Nguyễn Văn Hòa' });
      }),
      { numRuns: 500 },
    );
  });

  it('can always be finished from wherever the operations left it', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        let d = openDossier('7');
        for (const op of ops) {
          const result = apply(d, op, now());
          if (result.ok) d = result.dossier;
        }
        if (d.status === 'in_progress' || d.status === 'returned') {
          for (const step of missingSteps(d)) d = ok(recordStep(d, step, OFFICER, now()));
          d = ok(confirm(d, OFFICER, now(), { openMismatch: false }));
        }
        if (d.status === 'confirmed') d = ok(approve(d, SUPERVISOR, now()));
        if (d.status === 'approved') d = ok(markReadyToSend(d, SUPERVISOR, now()));
        if (d.status === 'ready_to_send') d = ok(markSent(d, SUPERVISOR, now()));
        expect(d.status).toBe('sent');
      }),
    );
  });
});
