/**
 * The issuer key list, published beside the status list: every key that ever signed cards, by key id, with the period
 * it signed in, itself signed by the root key that verifiers are given once. Rotating a key adds the new one and closes
 * the old one's period; the old one stays listed, so the cards it signed keep verifying.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { cbor, signCose, verifyCose, type CoseProblem, type SigningKey } from './cose.ts';
import { keyListFields } from './lists.ts';

export interface IssuerKey {
  kid: string;
  /** The Ed25519 public key (SPKI DER). */
  spki: Buffer;
  /** ISO days: the period in which it signs; null until it is rotated out. */
  signsFrom: string;
  signsUntil: string | null;
}

export function signKeyList(keys: readonly IssuerKey[], issuedAt: string, root: SigningKey): Buffer {
  return signCose(cbor.encode(new Map<number, unknown>([[1, issuedAt], [2, keys.map((k) => [k.kid, k.spki, k.signsFrom, k.signsUntil])]])), root);
}

export type KeyListResult = { ok: true; issuedAt: string; keys: IssuerKey[]; keyOf: (kid: string) => KeyObject | undefined } | { ok: false; problem: CoseProblem | 'bad_list' };

/** Checks the list against the root key and gives the lookup the other verifiers take. */
export function verifyKeyList(bytes: Uint8Array, root: KeyObject): KeyListResult {
  const verified = verifyCose(bytes, () => root);
  if (!verified.ok) return { ok: false, problem: verified.problem };
  try {
    const fields = keyListFields(cbor.decode(verified.payload));
    const keys: IssuerKey[] = fields.keys.map((k) => ({ ...k, spki: Buffer.from(k.spki) }));
    const objects = new Map(keys.map((k) => [k.kid, createPublicKey({ key: k.spki, format: 'der', type: 'spki' })]));
    if ([...objects.values()].some((k) => k.asymmetricKeyType !== 'ed25519')) throw new Error('not ed25519');
    return { ok: true, issuedAt: fields.issuedAt, keys, keyOf: (kid) => objects.get(kid) };
  } catch {
    return { ok: false, problem: 'bad_list' };
  }
}
