/**
 * What a verifier concludes once the signature checked out (the CLI and the web page both end here; no Node
 * imports): the signing key must have been signing on the card's issue day — Vietnam's days; a key rotated out signs
 * nothing new — and no card is issued in the future; then the status list decides, if there is a fresh one signed by
 * a key that was signing when the list was issued.
 */
import { todayInVietnam } from '../../common/dates.ts';
import type { CardClaims } from './claims.ts';
import { cardStatus, type StatusList } from './status-bits.ts';

export type Verdict = 'valid' | 'revoked' | 'invalid' | 'status_unknown' | 'status_expired';

export interface Judgement {
  verdict: Verdict;
  problem?: string;
  statusListIssuedAt?: string;
  statusListValidUntil?: string;
  statusListAgeHours?: number;
}

/** The period a key signed in (ISO instants; no end while it signs). */
export interface KeyPeriod {
  signsFrom: string;
  signsUntil: string | null;
}

export function judgeCard(
  claims: CardClaims,
  key: KeyPeriod,
  status: { list: StatusList; key: KeyPeriod } | { problem: string },
  now: Date,
): Judgement {
  const vnDay = (iso: string) => todayInVietnam(new Date(iso));
  const issued = claims.issuedOn;
  if (issued < vnDay(key.signsFrom) || (key.signsUntil !== null && issued > vnDay(key.signsUntil)) || issued > todayInVietnam(now)) {
    return { verdict: 'invalid', problem: 'outside_key_period' };
  }
  if ('problem' in status) return { verdict: 'status_unknown', problem: status.problem };
  // A list is trusted only from a key that was signing when it was issued (a retired key must not un-revoke cards).
  const listAt = Date.parse(status.list.issuedAt);
  if (listAt < Date.parse(status.key.signsFrom) || (status.key.signsUntil !== null && listAt > Date.parse(status.key.signsUntil))) {
    return { verdict: 'status_unknown', problem: 'status_list_outside_key_period' };
  }
  const standing = cardStatus(status.list, claims.statusIndex, now);
  const ages = { statusListIssuedAt: status.list.issuedAt, statusListValidUntil: status.list.validUntil, statusListAgeHours: standing.listAgeHours };
  if (standing.status === 'list_expired') return { verdict: 'status_expired', ...ages };
  return { verdict: standing.status === 'revoked' ? 'revoked' : 'valid', ...ages };
}

