/**
 * Verifying a card offline (the CLI; the web page does the same with WebCrypto): its QR text or chip record against
 * the issuer keys (a key list signed by the root key), then judgeCard (the key's period, the status list), with the
 * lists' ages so the reader knows how fresh the answer is. Never throws on bad input and never says "valid" unless
 * everything checked out.
 */
import type { KeyObject } from 'node:crypto';
import { qrTextIn, type CardClaims } from './domain/claims.ts';
import { verifyChipRecord, type ChipRecord } from './domain/chip.ts';
import { verifyKeyList } from './domain/keys.ts';
import { verifyCardQr } from './domain/qr.ts';
import { hoursSince } from './domain/status-bits.ts';
import { judgeCard, type Judgement } from './domain/verdict.ts';
import { verifyStatusList } from './domain/status-list.ts';

export interface Verification extends Judgement {
  kind?: 'qr' | 'chip';
  kid?: string;
  claims?: CardClaims;
  /** The chip record (with its photo) when a chip record was read. */
  record?: ChipRecord;
  keyListIssuedAt?: string;
  keyListAgeHours?: number;
}

export function verifyCard(input: Uint8Array | string, trust: { root: KeyObject; keyList: Uint8Array; statusList?: Uint8Array; now?: Date }): Verification {
  const now = trust.now ?? new Date();
  const keys = verifyKeyList(trust.keyList, trust.root);
  if (!keys.ok) return { verdict: 'invalid', problem: `key_list_${keys.problem}` };
  const ages = { keyListIssuedAt: keys.issuedAt, keyListAgeHours: hoursSince(keys.issuedAt, now) };
  const text = typeof input === 'string' ? input : qrTextIn(input);
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
  const key = keys.keys.find((k) => k.kid === read.kid)!;
  const list = trust.statusList ? verifyStatusList(trust.statusList, keys.keyOf) : undefined;
  const status = !list ? { problem: 'no_status_list' } : list.ok ? { list: list.list, key: keys.keys.find((k) => k.kid === list.kid)! } : { problem: `status_list_${list.problem}` };
  return { ...base, ...judgeCard(read.claims, key, status, now) };
}
