/**
 * The fields of the two signed lists once their COSE payload is decoded: the issuer key list and the status list.
 * Node-free, so the CLI's verifier (keys.ts, status-list.ts) and the browser's (web/verify/cardVerifier.ts) read them
 * by the same rules. Each throws for a payload of the wrong shape; callers answer 'bad_list'.
 */

/** A key list entry as signed: the key id, its SPKI DER, and the ISO days of its signing period. */
export interface KeyListEntry {
  kid: string;
  spki: Uint8Array;
  signsFrom: string;
  signsUntil: string | null;
}

export function keyListFields(map: unknown): { issuedAt: string; keys: KeyListEntry[] } {
  if (!(map instanceof Map) || typeof map.get(1) !== 'string' || !Array.isArray(map.get(2))) throw new Error('shape');
  const keys = (map.get(2) as unknown[]).map((entry) => {
    const [kid, spki, signsFrom, signsUntil] = entry as [unknown, unknown, unknown, unknown];
    if (typeof kid !== 'string' || !(spki instanceof Uint8Array) || typeof signsFrom !== 'string' || (signsUntil !== null && typeof signsUntil !== 'string')) throw new Error('entry');
    return { kid, spki, signsFrom, signsUntil };
  });
  return { issuedAt: map.get(1) as string, keys };
}

/** The status list's times and its deflated bits. */
export function statusListFields(map: unknown): { issuedAt: string; validUntil: string; packed: Uint8Array } {
  if (!(map instanceof Map)) throw new Error('not a map');
  const [issuedAt, validUntil, packed] = [map.get(1), map.get(2), map.get(3)];
  if (typeof issuedAt !== 'string' || typeof validUntil !== 'string' || !(packed instanceof Uint8Array)) throw new Error('fields');
  if (Number.isNaN(Date.parse(issuedAt)) || Number.isNaN(Date.parse(validUntil))) throw new Error('times');
  return { issuedAt, validUntil, packed };
}
