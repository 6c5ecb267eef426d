// The vocabulary comes from the server's modules (type-only: nothing of them is bundled).
import type { BatchView } from '../../sending/service.ts';
import type { CardView } from '../../cards/service.ts';
import type { ProductionRun } from '../../cards/production.ts';
import type { CardStep } from '../../cards/domain/lifecycle.ts';
import type { CardState, RevocationReason } from '../../platform/schema.ts';
import { buildQuery, request } from '../api.ts';

export type { BatchView, CardState, CardView, ProductionRun, RevocationReason };

export interface PrintBatch {
  id: string;
  provinceCode: string;
  communeCode: string | null;
  areaName: string;
  cards: number;
  createdAt: string;
}

export interface CardEvent {
  step: CardState;
  at: string;
  by: string;
  note: string | null;
  signed: boolean;
}

/** Typed client for sending to the centre and for cards. */
export const cardsApi = {
  batches: (signal?: AbortSignal) => request<{ items: BatchView[] }>('GET', '/api/sending/batches', { signal }),
  send: (provinceCode?: string) => request<{ batch: BatchView | null }>('POST', '/api/sending/batches', { json: { provinceCode } }),
  resend: (id: string) => request<{ batch: BatchView }>('POST', `/api/sending/batches/${id}/send`, { json: {} }),
  produce: () => request<ProductionRun>('POST', '/api/cards/production', { json: {} }),
  printBatches: (signal?: AbortSignal) => request<{ items: PrintBatch[] }>('GET', '/api/cards/print-batches', { signal }),
  cards: (query: { state?: CardState; page: number }, signal?: AbortSignal) =>
    request<{ items: CardView[]; total: number; page: number; pageSize: number }>('GET', `/api/cards${buildQuery({ ...query })}`, { signal }),
  card: (code: string) => request<CardView & { events: CardEvent[] }>('GET', `/api/cards/${encodeURIComponent(code)}`),
  scan: (body: { code: string; step: CardStep; signature?: string }) => request<CardView & { events: CardEvent[] }>('POST', '/api/cards/scan', { json: body }),
  revoke: (code: string, body: { reason: RevocationReason; note?: string }) => request<CardView>('POST', `/api/cards/${encodeURIComponent(code)}/revoke`, { json: body }),
};

export const cardPdfUrl = (cardNumber: string) => `/api/cards/${encodeURIComponent(cardNumber)}/card.pdf`;
export const printBatchPdfUrl = (id: string) => `/api/cards/print-batches/${id}/cards.pdf`;
export const chipDataUrl = (id: string) => `/api/cards/print-batches/${id}/chip-data.jsonl`;
