/**
 * The QR printed on the card: a compact signed subset of the card record, readable offline by any verifier with the
 * issuer keys. As the EU digital certificates do it: the claims as a CBOR map with small integer keys, signed as
 * COSE_Sign1 (cose.ts), deflated, then base45 (the QR's alphanumeric mode), behind a version prefix "DT1:".
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { KeyObject } from 'node:crypto';
import { Base45Error, decodeBase45, encodeBase45 } from './base45.ts';
import { cbor, decodeMap, signCose, verifyCose, type CoseProblem, type SigningKey } from './cose.ts';
import { CLAIM_KEYS, claimsFromMap, MAX_QR_TEXT, QR_PREFIX, type CardClaims } from './claims.ts';

export type QrProblem = 'wrong_prefix' | 'too_long' | 'not_base45' | 'corrupt' | 'bad_claims' | CoseProblem;

export type QrResult = { ok: true; kid: string; claims: CardClaims } | { ok: false; problem: QrProblem; kid?: string };

export function encodeCardQr(claims: CardClaims, key: SigningKey): string {
  const payload = cbor.encode(new Map(Object.entries(CLAIM_KEYS).map(([name, k]) => [k, claims[name as keyof CardClaims]])));
  return QR_PREFIX + encodeBase45(deflateSync(signCose(payload, key), { level: 9 }));
}

/** Reads and checks a QR text: every failure is a reason, never a crash and never "valid". */
export function verifyCardQr(text: string, keyOf: (kid: string) => KeyObject | undefined): QrResult {
  const trimmed = text.trim();
  if (!trimmed.startsWith(QR_PREFIX)) return { ok: false, problem: 'wrong_prefix' };
  if (trimmed.length > MAX_QR_TEXT) return { ok: false, problem: 'too_long' };
  let signed: Buffer;
  try {
    signed = inflateSync(decodeBase45(trimmed.slice(QR_PREFIX.length)), { maxOutputLength: 64 * 1024 });
  } catch (error) {
    return { ok: false, problem: error instanceof Base45Error ? 'not_base45' : 'corrupt' };
  }
  const verified = verifyCose(signed, keyOf);
  if (!verified.ok) return verified;
  const map = decodeMap(verified.payload);
  const claims = map && claimsFromMap(map);
  return claims ? { ok: true, kid: verified.kid, claims } : { ok: false, problem: 'bad_claims', kid: verified.kid };
}
