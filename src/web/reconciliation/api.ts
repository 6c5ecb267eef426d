// The comparison's vocabulary comes from the server's pure module (type-only: nothing of it is bundled).
import type { Cause, Field } from '../../reconciliation/domain/compare.ts';
import { buildQuery, request } from '../api.ts';
/**
 * Typed client for the cross-check with the national population register ("đối chiếu dân cư"):
 * counts per unit, the results list, one member's result, the live check, decisions and whole-list runs.
 */

export type { Cause, Field };

export type ResultStatus = 'matched' | 'mismatched' | 'not_found' | 'awaiting';
export const RESULT_STATUSES: readonly ResultStatus[] = ['mismatched', 'not_found', 'awaiting', 'matched'];

export const DIFF_FIELDS: readonly Field[] = ['fullName', 'dateOfBirth', 'gender', 'hometown', 'residence'];

export type DecisionKind = 'corrected' | 'kept' | 'referred';
/** What the officer asks for: correct the party record, keep it (with a reason), or refer the register to the police. */
export type DecisionChoice = 'correct' | 'keep' | 'refer';
export const DECISION_CHOICES: readonly DecisionChoice[] = ['correct', 'keep', 'refer'];

export interface Counts {
  /** Eligible members. */
  members: number;
  checked: number;
  matched: number;
  mismatched: number;
  notFound: number;
  awaiting: number;
  /** Blocking cases without a decision. */
  open: number;
}

export interface UnitCounts extends Counts {
  organisationId: string;
  name: string;
  kind: string;
  hasChildren: boolean;
}

export interface Summary {
  organisation: { id: string; name: string } | null;
  units: UnitCounts[];
  totals: Counts;
}

export interface Difference {
  field: Field;
  /** The two values as text: dates yyyy-mm-dd or a bare year, gender 'male' / 'female'. */
  party: string;
  population: string;
  cause: Cause;
  blocking: boolean;
}

export interface Decision {
  kind: DecisionKind;
  reason: string | null;
  decidedBy: string;
  decidedAt: string;
}

export interface ResultView {
  memberId: string;
  personalId: string | null;
  fullName: string;
  organisationId: string;
  organisationName: string;
  status: ResultStatus;
  blocking: boolean;
  open: boolean;
  intakeBlocked: boolean;
  checkedAt: string;
  differences: Difference[];
  decision: Decision | null;
}

export interface MemberReconciliation {
  result: ResultView | null;
  intakeBlocked: boolean;
}

export interface ResultQuery {
  organisationId?: string;
  status?: ResultStatus;
  field?: Field;
  open?: boolean;
  page?: number;
  pageSize?: number;
}

export interface ResultPage {
  total: number;
  page: number;
  pageSize: number;
  items: ResultView[];
}

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface RunView {
  id: string;
  organisationId: string | null;
  organisationName: string | null;
  status: RunStatus;
  total: number;
  checked: number;
  matched: number;
  mismatched: number;
  notFound: number;
  awaiting: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const isRunActive = (run: Pick<RunView, 'status'> | null | undefined): boolean =>
  run?.status === 'queued' || run?.status === 'running';

const enc = encodeURIComponent;

/** Where the browser downloads the mismatch list (one sheet per unit) of a scope. */
export function exportUrl(organisationId: string | undefined): string {
  return `/api/reconciliation/export.xlsx${buildQuery({ organisationId })}`;
}

export const reconciliationApi = {
  summary: (organisationId: string | undefined, signal?: AbortSignal) =>
    request<Summary>('GET', '/api/reconciliation/summary', { query: { organisationId }, ...(signal ? { signal } : {}) }),
  results: (query: ResultQuery, signal?: AbortSignal) =>
    request<ResultPage>('GET', '/api/reconciliation/results', {
      query: {
        organisationId: query.organisationId,
        status: query.status,
        field: query.field,
        open: query.open === undefined ? undefined : String(query.open),
        page: query.page,
        pageSize: query.pageSize,
      },
      ...(signal ? { signal } : {}),
    }),
  member: (memberId: string) => request<MemberReconciliation>('GET', `/api/members/${enc(memberId)}/reconciliation`),
  check: (memberId: string) => request<MemberReconciliation>('POST', `/api/members/${enc(memberId)}/reconciliation/check`),
  decide: (memberId: string, input: { decision: DecisionChoice; reason?: string }) =>
    request<MemberReconciliation>('POST', `/api/members/${enc(memberId)}/reconciliation/decision`, { json: input }),
  startRun: (organisationId: string | undefined) =>
    request<{ run: RunView }>('POST', '/api/reconciliation/runs', { json: organisationId ? { organisationId } : {} }),
  run: (id: string) => request<{ run: RunView }>('GET', `/api/reconciliation/runs/${enc(id)}`),
  runs: (organisationId: string | undefined) =>
    request<{ runs: RunView[] }>('GET', '/api/reconciliation/runs', { query: { organisationId } }),
};
