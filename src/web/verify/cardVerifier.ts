/**
 * The card verifier in the browser: the same checks as `doithe card verify` (src/cards/verify.ts), with WebCrypto's
 * Ed25519 and DecompressionStream instead of node:crypto and node:zlib. The formats, the claims and the final
 * judgement come from the server's browser-safe modules, so both verifiers read cards by one rule.
 */
import { Encoder, Tag } from 'cbor-x';
import { Base45Error, decodeBase45 } from '../../cards/domain/base45.ts';
import { chipFieldsWellFormed, chipOnlyValues, claimsFromMap, MAX_QR_TEXT, qrTextIn, QR_PREFIX, type CardClaims } from '../../cards/domain/claims.ts';
import { keyListFields, statusListFields, type KeyListEntry } from '../../cards/domain/lists.ts';
import { hoursSince, type StatusList } from '../../cards/domain/status-bits.ts';
import { judgeCard, type Judgement } from '../../cards/domain/verdict.ts';

const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });
const COSE_SIGN1_TAG = 18;
const ALG_EDDSA = -8;

export interface Trust {
  /** The root public key (SPKI DER) the key list is signed with. */
  root: Uint8Array;
  keyList: Uint8Array;
  statusList?: Uint8Array;
}

export interface ChipDetails {
  gender: string;
  joinedOn: string;
  officialOn: string | null;
  organisation: string;
  previousCardNumber: string | null;
  photo: Uint8Array;
}

export interface BrowserVerification extends Judgement {
  kind?: 'qr' | 'chip';
  kid?: string;
  claims?: CardClaims;
  chip?: ChipDetails;
  keyListIssuedAt?: string;
  keyListAgeHours?: number;
}

type Cose = { ok: true; kid: string; payload: Uint8Array } | { ok: false; problem: string; kid?: string };
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const bytes = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

function decode(data: Uint8Array): unknown {
  return cbor.decode(data);
}

/** COSE_Sign1 (Ed25519) checked against a key found by its id; the same order of checks as the server's. */
async function verifyCose(data: Uint8Array, keyOf: (kid: string) => Promise<CryptoKey | undefined>): Promise<Cose> {
  let decoded: unknown;
  try {
    decoded = decode(data);
  } catch {
    return { ok: false, problem: 'truncated' };
  }
  const parts = decoded instanceof Tag ? (decoded.tag === COSE_SIGN1_TAG ? decoded.value : undefined) : decoded;
  if (!Array.isArray(parts) || parts.length !== 4 || !isBytes(parts[0]) || !(parts[1] instanceof Map) || !isBytes(parts[2]) || !isBytes(parts[3])) return { ok: false, problem: 'not_cose' };
  const [protectedHeader, , payload, signature] = parts as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  let header: unknown;
  try {
    header = decode(protectedHeader);
  } catch {
    return { ok: false, problem: 'not_cose' };
  }
  if (!(header instanceof Map)) return { ok: false, problem: 'not_cose' };
  if (header.get(1) !== ALG_EDDSA) return { ok: false, problem: 'unsupported_algorithm' };
  const kidBytes = header.get(4);
  if (!isBytes(kidBytes)) return { ok: false, problem: 'not_cose' };
  const kid = new TextDecoder().decode(kidBytes);
  const key = await keyOf(kid);
  if (!key) return { ok: false, problem: 'unknown_key', kid };
  const toBeSigned = cbor.encode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const good = signature.length === 64 && (await crypto.subtle.verify({ name: 'Ed25519' }, key, bytes(signature), bytes(toBeSigned)));
  return good ? { ok: true, kid, payload } : { ok: false, problem: 'bad_signature', kid };
}

async function inflate(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([bytes(data)]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) throw new Error('too large');
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const importKey = (spki: Uint8Array) => crypto.subtle.importKey('spki', bytes(spki), { name: 'Ed25519' }, false, ['verify']);

async function readKeyList(trust: Trust): Promise<{ ok: true; issuedAt: string; keys: KeyListEntry[]; keyOf: (kid: string) => Promise<CryptoKey | undefined> } | { ok: false; problem: string }> {
  let root: CryptoKey;
  try {
    root = await importKey(trust.root);
  } catch {
    return { ok: false, problem: 'bad_list' };
  }
  const verified = await verifyCose(trust.keyList, async () => root);
  if (!verified.ok) return { ok: false, problem: verified.problem };
  try {
    const { issuedAt, keys } = keyListFields(decode(verified.payload));
    // Every key imported now: one that is not an Ed25519 key makes the list bad, as the CLI says.
    const imported = new Map<string, CryptoKey>();
    for (const k of keys) imported.set(k.kid, await importKey(k.spki));
    const keyOf = async (kid: string) => imported.get(kid);
    return { ok: true, issuedAt, keys, keyOf };
  } catch {
    return { ok: false, problem: 'bad_list' };
  }
}

async function readStatusList(data: Uint8Array, keys: { keys: KeyListEntry[]; keyOf: (kid: string) => Promise<CryptoKey | undefined> }): Promise<{ list: StatusList; key: KeyListEntry } | { problem: string }> {
  const verified = await verifyCose(data, keys.keyOf);
  if (!verified.ok) return { problem: `status_list_${verified.problem}` };
  try {
    const { issuedAt, validUntil, packed } = statusListFields(decode(verified.payload));
    return { list: { issuedAt, validUntil, bits: await inflate(packed, 16 << 20) }, key: keys.keys.find((k) => k.kid === verified.kid)! };
  } catch {
    return { problem: 'status_list_bad_list' };
  }
}

/** Checks a QR text (as scanned or typed) or a chip record (bytes) against the trusted lists. */
export async function verifyCardInBrowser(input: string | Uint8Array, trust: Trust, now = new Date()): Promise<BrowserVerification> {
  const keys = await readKeyList(trust);
  if (!keys.ok) return { verdict: 'invalid', problem: `key_list_${keys.problem}` };
  const ages = { keyListIssuedAt: keys.issuedAt, keyListAgeHours: hoursSince(keys.issuedAt, now) };
  let signed: Uint8Array;
  // A file holding a QR text is read as the QR, as the CLI does.
  const text = typeof input === 'string' ? input.trim() : qrTextIn(input);
  const kind: 'qr' | 'chip' = text !== undefined ? 'qr' : 'chip';
  if (text !== undefined) {
    if (!text.startsWith(QR_PREFIX)) return { verdict: 'invalid', problem: 'wrong_prefix', kind, ...ages };
    if (text.length > MAX_QR_TEXT) return { verdict: 'invalid', problem: 'too_long', kind, ...ages };
    try {
      signed = await inflate(decodeBase45(text.slice(QR_PREFIX.length)), 64 * 1024);
    } catch (error) {
      return { verdict: 'invalid', problem: error instanceof Base45Error ? 'not_base45' : 'corrupt', kind, ...ages };
    }
  } else {
    signed = input as Uint8Array;
  }
  const verified = await verifyCose(signed, keys.keyOf);
  if (!verified.ok) return { verdict: 'invalid', problem: verified.problem, kind, kid: verified.kid, ...ages };
  let map: unknown;
  try {
    map = decode(verified.payload);
  } catch {
    map = undefined;
  }
  const claims = map instanceof Map ? claimsFromMap(map) : undefined;
  const badPayload = { verdict: 'invalid' as const, problem: kind === 'qr' ? 'bad_claims' : 'bad_record', kind, kid: verified.kid, ...ages };
  if (!claims) return badPayload;
  let chip: ChipDetails | undefined;
  if (kind === 'chip') {
    const values = chipOnlyValues(map as Map<unknown, unknown>);
    if (!chipFieldsWellFormed(values)) return badPayload;
    chip = values as unknown as ChipDetails;
  }
  const key = keys.keys.find((k) => k.kid === verified.kid)!;
  const status = trust.statusList ? await readStatusList(trust.statusList, keys) : { problem: 'no_status_list' };
  return { kind, kid: verified.kid, claims, ...(chip ? { chip } : {}), ...ages, ...judgeCard(claims, key, status, now) };
}
