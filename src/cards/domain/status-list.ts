/**
 * Revocation that works offline: a signed status list, one bit per card (its statusIndex; 1 = revoked), deflated,
 * with the time it was issued and the time it stops being trusted. A verifier caches the latest list; a card is
 * "revoked" when its bit is set, and nothing is "valid" on a list past its validity (the verifier must fetch a newer
 * one, and says how old the one it has is).
 */
import type { KeyObject } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { cbor, signCose, verifyCose, type CoseProblem, type SigningKey } from './cose.ts';
import { statusListFields } from './lists.ts';
import type { StatusList } from './status-bits.ts';

export function signStatusList(list: StatusList, key: SigningKey): Buffer {
  return signCose(cbor.encode(new Map<number, unknown>([[1, list.issuedAt], [2, list.validUntil], [3, deflateSync(list.bits, { level: 9 })]])), key);
}

export type StatusListResult = { ok: true; kid: string; list: StatusList } | { ok: false; problem: CoseProblem | 'bad_list'; kid?: string };

export function verifyStatusList(bytes: Uint8Array, keyOf: (kid: string) => KeyObject | undefined): StatusListResult {
  const verified = verifyCose(bytes, keyOf);
  if (!verified.ok) return verified;
  try {
    const { issuedAt, validUntil, packed } = statusListFields(cbor.decode(verified.payload));
    return { ok: true, kid: verified.kid, list: { issuedAt, validUntil, bits: inflateSync(packed, { maxOutputLength: 16 << 20 }) } };
  } catch {
    return { ok: false, problem: 'bad_list', kid: verified.kid };
  }
}
