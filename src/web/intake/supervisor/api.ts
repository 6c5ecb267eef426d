import type { SignatureKind } from '../../../intake/review.ts';
import type { ReceiptConflict } from '../../../sending/domain/batch.ts';
import type { OfficerPace as ServerOfficerPace } from '../../../intake/domain/pace.ts';
// The dossier's vocabulary comes from the server's pure state machine (type-only where it is not a constant list).
import { STATUSES, type DossierStatus, type Step } from '../../../intake/domain/dossier.ts';
import { request } from '../../api.ts';
/**
 * Typed client for the supervisor's review of intake dossiers ("Duyệt hồ sơ"): the queue, one dossier with its record
 * and conflict pair, its photo and signature, the decision, the member's receipt and each officer's pace.
 */

export type { DossierStatus, Step };
export const DOSSIER_STATES: readonly DossierStatus[] = STATUSES;

export interface PhotoCheck {
  ok: boolean;
  checkedAt: string;
  issues: { code: string; message: string }[];
}

export interface DossierSummary {
  id: string;
  state: DossierStatus;
  memberId: string;
  fullName: string;
  personalId: string;
  organisationName: string;
  pointId: string | null;
  pointName: string | null;
  mobileTeamId: string | null;
  mobileTeamName: string | null;
  officerId: string | null;
  officerName: string | null;
  /** The server's clock. */
  receivedAt: string;
  /** The device's clock when it sent the dossier (offline counters send later). */
  deviceSubmittedAt: string | null;
  conflictWith: string | null;
  /** Another dossier of the same member still stands beside this one. */
  conflict: boolean;
  /** null until the server's photo check has run. */
  photoCheck: PhotoCheck | null;
  signature: SignatureKind;
  /** The centre did not accept it (another dossier of the member came first); null otherwise. */
  centreConflict: ReceiptConflict | null;
}

export interface Who {
  id: string;
  name: string;
}

export interface StepView {
  step: Step;
  by: Who;
  at: string;
  deviceAt: string | null;
}

export interface CorrectionView {
  field: string;
  old: string | null;
  new: string | null;
  by: Who;
  at: string;
  deviceAt: string | null;
}

export interface TransitionView {
  from: DossierStatus;
  to: DossierStatus;
  by: Who;
  at: string;
  deviceAt: string | null;
  reason: string | null;
}

export interface DossierDetail extends DossierSummary {
  data: Record<string, unknown>;
  dateOfBirth: string | null;
  birthYear: number;
  gender: 'male' | 'female';
  deviceId: string | null;
  returnReason: string | null;
  reviewedBy: string | null;
  reviewerName: string | null;
  reviewedAt: string | null;
  steps: StepView[];
  corrections: CorrectionView[];
  transitions: TransitionView[];
  /** The member's other dossiers (the conflict pair). */
  others: (DossierSummary & { data: Record<string, unknown> })[];
}

export interface QueueQuery {
  state?: DossierStatus;
  pointId?: string;
  conflicts?: boolean;
  page?: number;
}

export interface QueuePage {
  items: DossierSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** The server's figures (intake/domain/pace.ts) with the officer's name. */
export interface OfficerPace extends ServerOfficerPace {
  officerName: string;
}

export type Decision = { approve: true } | { approve: false; reason: string };

const enc = encodeURIComponent;

/** Where the browser loads a dossier's photo or signature (scope-checked and audited by the server). */
export const imageUrl = (id: string, kind: 'photo' | 'signature') => `/api/dossiers/${enc(id)}/${kind}`;

/** The member's receipt, opened in the browser's PDF viewer to print. */
export const receiptUrl = (id: string) => `/api/dossiers/${enc(id)}/receipt.pdf`;

export const reviewApi = {
  queue: (query: QueueQuery, signal?: AbortSignal) =>
    request<QueuePage>('GET', '/api/dossiers', {
      query: { state: query.state, pointId: query.pointId, conflicts: query.conflicts ? 'true' : undefined, page: query.page },
      ...(signal ? { signal } : {}),
    }),
  dossier: (id: string) => request<DossierDetail>('GET', `/api/dossiers/${enc(id)}`),
  review: (id: string, decision: Decision) => request<{ id: string; state: DossierStatus }>('POST', `/api/dossiers/${enc(id)}/review`, { json: decision }),
  pace: (date: string, pointId: string | undefined, signal?: AbortSignal) =>
    request<{ date: string; officers: OfficerPace[] }>('GET', '/api/intake/pace', { query: { date, pointId }, ...(signal ? { signal } : {}) }),
};
