/**
 * COSE_Sign1 (RFC 9052) with Ed25519 (EdDSA, alg -8): a signed record that proves itself offline, as ICAO 9303
 * passive authentication does for a passport chip and the EU certificates do in their QR codes. The protected header
 * carries the algorithm and the issuer key's id (kid); the signature covers the protected header and the payload
 * (Sig_structure "Signature1", no external data). CBOR by cbor-x, without its record extension (plain CBOR that any
 * verifier reads).
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { Encoder, Tag } from 'cbor-x';

export const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });

const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_KID = 4;
const ALG_EDDSA = -8;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Why a signed record was refused (never "valid" on any of these). */
export type CoseProblem = 'truncated' | 'not_cose' | 'unsupported_algorithm' | 'unknown_key' | 'bad_signature';

export type CoseResult = { ok: true; kid: string; payload: Buffer } | { ok: false; problem: CoseProblem; kid?: string };

/** The CBOR head of a major type with its length (RFC 8949 §3): 2 byte string, 4 array. */
function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}
const bytes = (b: Uint8Array) => [head(2, b.length), b];
const SIGNATURE1 = cbor.encode('Signature1');
const EMPTY_MAP = Buffer.from([0xa0]);
const TAG_SIGN1 = Buffer.from([0xd2]); // tag 18

/**
 * Sig_structure and COSE_Sign1 are written with their few heads by hand around the payload: the record carries a
 * photo of some 12 KB, which cbor-x copies into a fresh buffer at every encoding (measured: signing ran at half the
 * speed of bare Ed25519 on the same bytes). The Sig_structure, needed only while signing or verifying, is assembled in
 * one scratch buffer reused from call to call (synchronous use only).
 */
let scratch = Buffer.alloc(16 * 1024);
function toBeSigned(protectedHeader: Uint8Array, payload: Uint8Array): Buffer {
  const pieces = [head(4, 4), SIGNATURE1, ...bytes(protectedHeader), head(2, 0), ...bytes(payload)];
  const length = pieces.reduce((n, p) => n + p.length, 0);
  if (scratch.length < length) scratch = Buffer.alloc(Math.max(length, scratch.length * 2));
  let at = 0;
  for (const p of pieces) {
    scratch.set(p, at);
    at += p.length;
  }
  return scratch.subarray(0, length);
}

/** The protected header a key signs with: the algorithm and the key's id. */
export const protectedHeaderOf = (kid: string): Buffer => cbor.encode(new Map<number, unknown>([[HEADER_ALG, ALG_EDDSA], [HEADER_KID, Buffer.from(kid)]]));

/** The bytes a key's signature covers for a payload (a copy: a bench signs them bare to compare). */
export const signedBytesOf = (kid: string, payload: Uint8Array): Buffer => Buffer.from(toBeSigned(protectedHeaderOf(kid), payload));

/** A CBOR map decoded from bytes, or undefined when they are not one (the payload readers' first step). */
export function decodeMap(bytes: Uint8Array): Map<unknown, unknown> | undefined {
  try {
    const value = cbor.decode(bytes) as unknown;
    return value instanceof Map ? value : undefined;
  } catch {
    return undefined;
  }
}

export function signCose(payload: Uint8Array, key: SigningKey): Buffer {
  const protectedHeader = protectedHeaderOf(key.kid);
  const signature = sign(null, toBeSigned(protectedHeader, payload), key.privateKey);
  return Buffer.concat([TAG_SIGN1, head(4, 4), ...bytes(protectedHeader), EMPTY_MAP, ...bytes(payload), ...bytes(signature)]);
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Checks the structure, the algorithm, the key (looked up by its id) and the signature, in that order. */
export function verifyCose(bytes: Uint8Array, keyOf: (kid: string) => KeyObject | undefined): CoseResult {
  let decoded: unknown;
  try {
    decoded = cbor.decode(bytes);
  } catch {
    return { ok: false, problem: 'truncated' };
  }
  const parts = decoded instanceof Tag ? (decoded.tag === COSE_SIGN1_TAG ? decoded.value : undefined) : decoded;
  if (!Array.isArray(parts) || parts.length !== 4 || !isBytes(parts[0]) || !(parts[1] instanceof Map) || !isBytes(parts[2]) || !isBytes(parts[3])) {
    return { ok: false, problem: 'not_cose' };
  }
  const [protectedHeader, , payload, signature] = parts as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  let header: unknown;
  try {
    header = cbor.decode(protectedHeader);
  } catch {
    return { ok: false, problem: 'not_cose' };
  }
  if (!(header instanceof Map)) return { ok: false, problem: 'not_cose' };
  if (header.get(HEADER_ALG) !== ALG_EDDSA) return { ok: false, problem: 'unsupported_algorithm' };
  const kidBytes = header.get(HEADER_KID);
  if (!isBytes(kidBytes)) return { ok: false, problem: 'not_cose' };
  const kid = Buffer.from(kidBytes).toString();
  const key = keyOf(kid);
  if (!key) return { ok: false, problem: 'unknown_key', kid };
  if (signature.length !== 64 || !verify(null, toBeSigned(protectedHeader, payload), key, signature)) return { ok: false, problem: 'bad_signature', kid };
  return { ok: true, kid, payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) };
}

/**
 * The key id of a COSE_Sign1 from its first bytes alone (the protected header comes first): lets a receiver refuse an
 * unknown signer before reading, let alone decoding, the rest. Undefined when the bytes do not start as one.
 */
export function kidOfCoseStart(start: Uint8Array): string | undefined {
  let at = start[0] === TAG_SIGN1[0] ? 1 : 0;
  if (start[at++] !== 0x84) return undefined;
  const first = start[at++];
  if (first === undefined || first >> 5 !== 2) return undefined;
  let length = first & 0x1f;
  if (length === 24) length = start[at++] ?? -1;
  else if (length === 25) {
    length = start[at] === undefined || start[at + 1] === undefined ? -1 : (start[at]! << 8) | start[at + 1]!;
    at += 2;
  } else if (length > 25) return undefined;
  if (length < 0 || at + length > start.length) return undefined;
  try {
    const header = cbor.decode(start.subarray(at, at + length)) as unknown;
    const kid = header instanceof Map ? header.get(HEADER_KID) : undefined;
    return isBytes(kid) ? Buffer.from(kid).toString() : undefined;
  } catch {
    return undefined;
  }
}
