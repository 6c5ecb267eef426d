import { formatDate } from '../format.ts';
import type { Cause, Counts, DecisionChoice, DecisionKind, Field, ResultStatus, ResultView, RunStatus, RunView } from './api.ts';
import type { DiffMode } from './diffText.ts';
/** Words for the comparison's codes (catalogue keys, checked by labels.test.ts), and the small rules of the screen. */

export const FIELD_KEYS: Record<Field, string> = {
  fullName: 'fields.fullName',
  dateOfBirth: 'fields.dateOfBirth',
  gender: 'fields.gender',
  hometown: 'fields.hometown',
  residence: 'fields.permanentAddress',
};

export const CAUSE_KEYS: Record<Cause, string> = {
  tone_placement_only: 'reconciliation.causes.tone_placement_only',
  letters_differ: 'reconciliation.causes.letters_differ',
  diacritic_differs: 'reconciliation.causes.diacritic_differs',
  tone_differs: 'reconciliation.causes.tone_differs',
  syllable_missing: 'reconciliation.causes.syllable_missing',
  syllable_extra: 'reconciliation.causes.syllable_extra',
  order_differs: 'reconciliation.causes.order_differs',
  day_month_swapped: 'reconciliation.causes.day_month_swapped',
  year_only: 'reconciliation.causes.year_only',
  one_digit_typo: 'reconciliation.causes.one_digit_typo',
  different_date: 'reconciliation.causes.different_date',
  gender_differs: 'reconciliation.causes.gender_differs',
  place_differs: 'reconciliation.causes.place_differs',
};

export const STATUS_KEYS: Record<ResultStatus, string> = {
  matched: 'reconciliation.status.matched',
  mismatched: 'reconciliation.status.mismatched',
  not_found: 'reconciliation.status.not_found',
  awaiting: 'reconciliation.status.awaiting',
};

export const STATUS_COLORS: Record<ResultStatus, string> = {
  matched: 'green',
  mismatched: 'red',
  not_found: 'orange',
  awaiting: 'gray',
};

export type DecisionState = 'open' | DecisionKind | 'none';

/** Where a result stands: a blocking case waiting for a decision, decided (how), or nothing to decide. */
export function decisionState(result: Pick<ResultView, 'open' | 'decision'>): DecisionState {
  if (result.decision) return result.decision.kind;
  return result.open ? 'open' : 'none';
}

export const DECISION_STATE_KEYS: Record<DecisionState, string> = {
  open: 'reconciliation.decisionState.open',
  corrected: 'reconciliation.decisionState.corrected',
  kept: 'reconciliation.decisionState.kept',
  referred: 'reconciliation.decisionState.referred',
  none: 'reconciliation.decisionState.none',
};

export const DECISION_STATE_COLORS: Record<DecisionState, string> = {
  open: 'red',
  corrected: 'green',
  kept: 'blue',
  referred: 'violet',
  none: 'gray',
};

export const CHOICE_KEYS: Record<DecisionChoice, string> = {
  correct: 'reconciliation.decision.choices.correct',
  keep: 'reconciliation.decision.choices.keep',
  refer: 'reconciliation.decision.choices.refer',
};

export const COUNT_KEYS: Record<keyof Counts, string> = {
  members: 'reconciliation.counts.members',
  checked: 'reconciliation.counts.checked',
  matched: 'reconciliation.counts.matched',
  mismatched: 'reconciliation.counts.mismatched',
  notFound: 'reconciliation.counts.notFound',
  awaiting: 'reconciliation.counts.awaiting',
  open: 'reconciliation.counts.open',
};

export const RUN_STATUS_KEYS: Record<RunStatus, string> = {
  queued: 'reconciliation.run.status.queued',
  running: 'reconciliation.run.status.running',
  done: 'reconciliation.run.status.done',
  failed: 'reconciliation.run.status.failed',
};

/** Names letter by letter, dates digit by digit, places word by word, gender as a whole. */
export function diffModeOf(field: Field): DiffMode {
  switch (field) {
    case 'fullName':
      return 'chars';
    case 'dateOfBirth':
      return 'date';
    case 'gender':
      return 'whole';
    case 'hometown':
    case 'residence':
      return 'words';
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A compared value as users read it: dates dd/mm/yyyy (a bare year stays), gender in words. */
export function shownValue(field: Field, value: string, genderLabel: (gender: 'male' | 'female') => string): string {
  if (field === 'dateOfBirth' && ISO_DATE.test(value)) return formatDate(value);
  if (field === 'gender' && (value === 'male' || value === 'female')) return genderLabel(value);
  return value;
}

export const REASON_MIN = 3;
export const REASON_MAX = 500;

/** The catalogue key of what is wrong with a decision form, per field; empty when it can be sent. */
export function decisionFormErrors(choice: DecisionChoice | '', reason: string): { decision?: string; reason?: string } {
  const errors: { decision?: string; reason?: string } = {};
  if (choice === '') errors.decision = 'reconciliation.decision.errors.choiceRequired';
  const length = reason.trim().length;
  // keeping or referring must be justified; a correction may carry a note
  const required = choice === 'keep' || choice === 'refer';
  if (required && length === 0) errors.reason = 'reconciliation.decision.errors.reasonRequired';
  else if (required && length < REASON_MIN) errors.reason = 'reconciliation.decision.errors.reasonShort';
  else if (length > REASON_MAX) errors.reason = 'reconciliation.decision.errors.reasonLong';
  return errors;
}

/** The request body for a decision: the reason trimmed, left out when empty. */
export function decisionBody(choice: DecisionChoice, reason: string): { decision: DecisionChoice; reason?: string } {
  const trimmed = reason.trim();
  return trimmed === '' ? { decision: choice } : { decision: choice, reason: trimmed };
}

/** How far a run is, 0–100. */
export function runPercent(run: Pick<RunView, 'status' | 'checked' | 'total'>): number {
  if (run.total <= 0) return run.status === 'done' ? 100 : 0;
  return Math.min(100, Math.max(0, Math.floor((run.checked / run.total) * 100)));
}
