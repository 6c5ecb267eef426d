/**
 * Verifying a card offline (the CLI; the web page does the same with WebCrypto): its QR text or chip record against
 * the issuer keys (a key list signed by the root key), the signing key's period, and the status list — each with its
 * age, so the reader knows how fresh the answer is. Never throws on bad input and never says "valid" unless
 * everything checked out.
 */
import type { KeyObject } from 'node:crypto';
import { todayInVietnam } from '../common/dates.ts';
import { QR_PREFIX, type CardClaims } from './domain/claims.ts';
import { verifyChipRecord, type ChipRecord } from './domain/chip.ts';
import { verifyKeyList } from './domain/keys.ts';
import { verifyCardQr } from './domain/qr.ts';
import { cardStatus } from './domain/status-bits.ts';
import { verifyStatusList } from './domain/status-list.ts';

export type Verdict = 'valid' | 'revoked' | 'invalid' | 'status_unknown' | 'status_expired';

export interface Verification {
  verdict: Verdict;
  /** Why it is invalid (a named problem), or why the status is unknown. */
  problem?: string;
  kind?: 'qr' | 'chip';
  kid?: string;
  claims?: CardClaims;
  /** The chip record (with its photo) when a chip record was read. */
  record?: ChipRecord;
  keyListIssuedAt?: string;
  keyListAgeHours?: number;
  statusListIssuedAt?: string;
  statusListValidUntil?: string;
  statusListAgeHours?: number;
}

const hoursSince = (iso: string, now: Date) => Math.round(((now.getTime() - Date.parse(iso)) / 3_600_000) * 10) / 10;

export function verifyCard(input: Uint8Array | string, trust: { root: KeyObject; keyList: Uint8Array; statusList?: Uint8Array; now?: Date }): Verification {
  const now = trust.now ?? new Date();
  const keys = verifyKeyList(trust.keyList, trust.root);
  if (!keys.ok) return { verdict: 'invalid', problem: `key_list_${keys.problem}` };
  const ages = { keyListIssuedAt: keys.issuedAt, keyListAgeHours: hoursSince(keys.issuedAt, now) };
  const text = typeof input === 'string' ? input : looksLikeText(input);
  let read: { kind: 'qr' | 'chip'; kid: string; claims: CardClaims; record?: ChipRecord };
  if (text !== undefined) {
    const qr = verifyCardQr(text, keys.keyOf);
    if (!qr.ok) return { verdict: 'invalid', problem: qr.problem, kind: 'qr', kid: qr.kid, ...ages };
    read = { kind: 'qr', kid: qr.kid, claims: qr.claims };
  } else {
    const chip = verifyChipRecord(input as Uint8Array, keys.keyOf);
    if (!chip.ok) return { verdict: 'invalid', problem: chip.problem, kind: 'chip', kid: chip.kid, ...ages };
    const { photo: _photo, gender: _g, joinedOn: _j, officialOn: _o, organisation: _org, previousCardNumber: _p, ...claims } = chip.record;
    read = { kind: 'chip', kid: chip.kid, claims, record: chip.record };
  }
  const base = { kind: read.kind, kid: read.kid, claims: read.claims, ...(read.record ? { record: read.record } : {}), ...ages };
  // The key must have been signing on the card's issue day (Vietnam's days; a key rotated out signs nothing new), and
  // no card is issued in the future.
  const key = keys.keys.find((k) => k.kid === read.kid)!;
  const issued = read.claims.issuedOn;
  const vnDay = (iso: string) => todayInVietnam(new Date(iso));
  if (issued < vnDay(key.signsFrom) || (key.signsUntil !== null && issued > vnDay(key.signsUntil)) || issued > todayInVietnam(now)) {
    return { verdict: 'invalid', problem: 'outside_key_period', ...base };
  }
  if (!trust.statusList) return { verdict: 'status_unknown', problem: 'no_status_list', ...base };
  const list = verifyStatusList(trust.statusList, keys.keyOf);
  if (!list.ok) return { verdict: 'status_unknown', problem: `status_list_${list.problem}`, ...base };
  const status = cardStatus(list.list, read.claims.statusIndex, now);
  const listAges = { statusListIssuedAt: list.list.issuedAt, statusListValidUntil: list.list.validUntil, statusListAgeHours: status.listAgeHours };
  if (status.status === 'list_expired') return { verdict: 'status_expired', ...base, ...listAges };
  return { verdict: status.status === 'revoked' ? 'revoked' : 'valid', ...base, ...listAges };
}

/** A file holding a QR text (as a scanner saves it) rather than a binary chip record. */
function looksLikeText(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes).toString('latin1').trim();
  return text.startsWith(QR_PREFIX) ? text : undefined;
}
