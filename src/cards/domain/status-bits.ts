/**
 * The status list's bits and what they say about a card (status-list.ts signs and reads the list; the web verifier
 * uses this too, so no Node imports here).
 */
export interface StatusList {
  /** ISO instants. */
  issuedAt: string;
  validUntil: string;
  /** Bit i (most significant first in each byte) is card i's. */
  bits: Uint8Array;
}

export function emptyBits(cards: number): Uint8Array {
  return new Uint8Array(Math.ceil(cards / 8));
}

export function setRevoked(bits: Uint8Array, index: number): void {
  bits[index >> 3] = bits[index >> 3]! | (0x80 >> (index & 7));
}

export const isRevoked = (bits: Uint8Array, index: number): boolean => index >> 3 < bits.length && (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;

export type CardStatus = { status: 'good' | 'revoked'; listAgeHours: number } | { status: 'list_expired'; listAgeHours: number };

/** How old a signed list is at `now`, in hours to a tenth. */
export const hoursSince = (iso: string, now: Date): number => Math.round(((now.getTime() - Date.parse(iso)) / 3_600_000) * 10) / 10;

/** A card's standing by the list at `now`: revoked, good, or unknown because the list is past its validity. */
export function cardStatus(list: StatusList, index: number, now: Date): CardStatus {
  const listAgeHours = hoursSince(list.issuedAt, now);
  if (now.getTime() > Date.parse(list.validUntil)) return { status: 'list_expired', listAgeHours };
  return { status: isRevoked(list.bits, index) ? 'revoked' : 'good', listAgeHours };
}
