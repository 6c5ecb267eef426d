import { IMPORT_FIELDS } from '../../api.ts';
import { formatDateTime, formatNumber } from '../../format.ts';
import { DOSSIER_STATES, type DossierStatus, type Step } from './api.ts';
/** Words for the dossier's codes (catalogue keys, checked by labels.test.ts), and the small rules of the review screen. */

export const STATE_KEYS: Record<DossierStatus, string> = {
  in_progress: 'review.state.in_progress',
  confirmed: 'review.state.confirmed',
  approved: 'review.state.approved',
  returned: 'review.state.returned',
  ready_to_send: 'review.state.ready_to_send',
  sent: 'review.state.sent',
};

export const STATE_COLORS: Record<DossierStatus, string> = {
  in_progress: 'gray',
  confirmed: 'blue',
  approved: 'teal',
  returned: 'orange',
  ready_to_send: 'green',
  sent: 'green',
};

export const STEP_KEYS: Record<Step, string> = {
  declaration: 'review.step.declaration',
  data_entry: 'review.step.data_entry',
  photo: 'review.step.photo',
  cross_check: 'review.step.cross_check',
  signature: 'review.step.signature',
  sending: 'review.step.sending',
};

export const isState = (value: string | null): value is DossierStatus => value !== null && (DOSSIER_STATES as readonly string[]).includes(value);

/** The label key of a declared field (a member field), or undefined for a field the UI has no word for (shown as is). */
export function fieldKey(field: string): string | undefined {
  return (IMPORT_FIELDS as readonly string[]).includes(field) ? `fields.${field}` : undefined;
}

/** A declared value as text: null or empty shows as a dash. */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields of two dossiers' data side by side, in a stable order; `differs` marks where they disagree. */
export function compareData(left: Record<string, unknown>, right: Record<string, unknown>): { field: string; left: string; right: string; differs: boolean }[] {
  const fields = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return fields.map((field) => {
    const [l, r] = [shownValue(left[field]), shownValue(right[field])];
    return { field, left: l, right: r, differs: l !== r };
  });
}

/** Minutes as the pace table shows them ("5,5"); a dash when there is nothing to measure. */
export const formatMinutes = (minutes: number | null): string => (minutes === null ? '—' : formatNumber(minutes));

/** The server wants a reason of at least 3 letters; the form says so before asking. */
export const REASON_MIN = 3;
export const reasonError = (reason: string): string | undefined => (reason.trim().length < REASON_MIN ? 'review.errors.reasonRequired' : undefined);

/** The time of day of a timestamp in Vietnam, HH:mm. */
export const clockTime = (timestamp: string): string => formatDateTime(timestamp).slice(-5);

/** The calendar day `days` after an ISO date (negative: before). */
export function addDays(iso: string, days: number): string {
  const [year, month, day] = iso.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + days)).toISOString().slice(0, 10);
}
