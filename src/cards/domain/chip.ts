/**
 * The record written on the card's chip: the member's identity, party data, the card itself and a compressed photo,
 * signed as COSE_Sign1 by the issuer (cose.ts) — a reader checks it offline against the issuer keys, as ICAO 9303
 * passive authentication checks a passport chip's data groups against the document signer.
 */
import type { KeyObject } from 'node:crypto';
import { cbor, decodeMap, signCose, verifyCose, type CoseProblem, type SigningKey } from './cose.ts';
import { CHIP_ONLY_FIELDS, chipFieldsWellFormed, chipOnlyValues, CLAIM_KEYS, claimsFromMap, type CardClaims } from './claims.ts';

export interface ChipRecord extends CardClaims {
  gender: 'male' | 'female';
  /** Party data: joining and full-membership dates (YYYY-MM-DD), the party organisation at issue. */
  joinedOn: string;
  officialOn: string | null;
  organisation: string;
  /** The old party card's number, when there was one. */
  previousCardNumber: string | null;
  /** JPEG, 3×4, compressed for the chip. */
  photo: Uint8Array;
}

/** The QR's claims first (the same keys 1–7), then what only the chip holds. */
const FIELDS = [...(Object.keys(CLAIM_KEYS) as (keyof CardClaims)[]), ...CHIP_ONLY_FIELDS] as const satisfies readonly (keyof ChipRecord)[];

export type ChipResult = { ok: true; kid: string; record: ChipRecord } | { ok: false; problem: CoseProblem | 'bad_record'; kid?: string };

/** The record's CBOR: a map keyed 1… in the order of FIELDS (what is signed). */
export function chipPayload(record: ChipRecord): Buffer {
  return cbor.encode(new Map(FIELDS.map((name, i) => [i + 1, record[name]])));
}

export function signChipRecord(record: ChipRecord, key: SigningKey): Buffer {
  return signCose(chipPayload(record), key);
}

export function verifyChipRecord(bytes: Uint8Array, keyOf: (kid: string) => KeyObject | undefined): ChipResult {
  const verified = verifyCose(bytes, keyOf);
  if (!verified.ok) return verified;
  const map = decodeMap(verified.payload);
  const claims = map && claimsFromMap(map);
  if (!map || !claims) return { ok: false, problem: 'bad_record', kid: verified.kid };
  const values = chipOnlyValues(map);
  return chipFieldsWellFormed(values) ? { ok: true, kid: verified.kid, record: { ...claims, ...values } as ChipRecord } : { ok: false, problem: 'bad_record', kid: verified.kid };
}
