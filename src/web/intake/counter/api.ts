import { currentCsrfToken, errorFromBody, request } from '../../api.ts';
import type { CounterDay, CounterMember } from '../../../intake/counter.ts';

export type { CounterDay, CounterMember };

export interface Stations {
  points: { id: string; name: string }[];
  teams: { id: string; name: string }[];
}

export type Station = { kind: 'point' | 'team'; id: string };

/** What POST /api/dossiers answers (201 stored, 200 the same submission again). */
export interface DossierReceipt {
  replayed: boolean;
  dossier: { id: string; memberId: string; state: string; conflictWith: string | null; receivedAt: string };
}

export const counterApi = {
  stations: () => request<Stations>('GET', '/api/intake/stations'),
  day: (station: Station, date: string) =>
    request<CounterDay>('GET', '/api/intake/day', { query: station.kind === 'point' ? { pointId: station.id, date } : { mobileTeamId: station.id, date } }),
  member: (personalId: string) => request<CounterMember>('GET', '/api/intake/member', { query: { personalId } }),
  key: () => request<{ key: string }>('GET', '/api/intake/key'),
  submit: (form: FormData) => request<DossierReceipt>('POST', '/api/dossiers', { form }),
  /** The printed confirmation slip (PDF) for a member to sign on paper. */
  slip: async (body: { memberId: string; data: Record<string, string | null>; photo?: string }) => {
    const response = await fetch('/api/intake/slip.pdf', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': currentCsrfToken() ?? '' }, body: JSON.stringify(body), credentials: 'same-origin' });
    if (!response.ok) throw errorFromBody(response.status, await response.json().catch(() => undefined), response.statusText);
    return response.blob();
  },
};
