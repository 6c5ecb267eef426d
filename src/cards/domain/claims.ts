/**
 * What the card's QR proves (qr.ts signs and reads it; the web verifier reads it too, so this module has no Node
 * imports): the claims and their integer keys in the signed CBOR map.
 */
import { formatDate } from '../../common/dates.ts';

export const QR_PREFIX = 'DT1:';
/** A QR text longer than this cannot be a card's (a version 40 QR holds 4,296 alphanumeric characters). */
export const MAX_QR_TEXT = 4296;

/** What the QR proves about the card and its holder. */
export interface CardClaims {
  cardNumber: string;
  personalId: string;
  fullName: string;
  /** YYYY-MM-DD, or the year alone when only that is known. */
  dateOfBirth: string;
  issuedOn: string;
  /** The body that issued it (Ban Tổ chức Trung ương). */
  issuer: string;
  /** The card's position in the revocation status list. */
  statusIndex: number;
}

/** A card's date of birth as read on it: dd/mm/yyyy, or the year alone (card PDF and verifier page). */
export const formatClaimedBirth = (dateOfBirth: string): string => (/^\d{4}$/.test(dateOfBirth) ? dateOfBirth : formatDate(dateOfBirth));

export const CLAIM_KEYS = { cardNumber: 1, personalId: 2, fullName: 3, dateOfBirth: 4, issuedOn: 5, issuer: 6, statusIndex: 7 } as const satisfies Record<keyof CardClaims, number>;

/** The claims of a decoded payload map (keys 1–7, the chip record's first fields too), or undefined if any is amiss. */
export function claimsFromMap(map: Map<unknown, unknown>): CardClaims | undefined {
  const claims: Record<string, unknown> = {};
  for (const [name, k] of Object.entries(CLAIM_KEYS)) {
    const value = map.get(k);
    if (name === 'statusIndex' ? !Number.isSafeInteger(value) || (value as number) < 0 : typeof value !== 'string' || value === '') return undefined;
    claims[name] = value;
  }
  return claims as unknown as CardClaims;
}

/** What only the chip holds, after the claims (map keys 8 onwards, in this order; chip.ts signs it). */
export const CHIP_ONLY_FIELDS = ['gender', 'joinedOn', 'officialOn', 'organisation', 'previousCardNumber', 'photo'] as const;

/** The chip-only values of a decoded chip record, by name (keys 8 onwards, by CHIP_ONLY_FIELDS); both verifiers read them so. */
export const chipOnlyValues = (map: Map<unknown, unknown>): Record<string, unknown> => Object.fromEntries(CHIP_ONLY_FIELDS.map((name, i) => [name, map.get(8 + i)]));

/** Whether the chip-only values (keys 8 onwards, by CHIP_ONLY_FIELDS) have their shapes; both verifiers ask this. */
export function chipFieldsWellFormed(values: Record<string, unknown>): boolean {
  const text = (v: unknown) => typeof v === 'string' && v !== '';
  return (
    text(values.joinedOn) &&
    text(values.organisation) &&
    (values.gender === 'male' || values.gender === 'female') &&
    (values.officialOn === null || text(values.officialOn)) &&
    (values.previousCardNumber === null || text(values.previousCardNumber)) &&
    values.photo instanceof Uint8Array
  );
}

/** A file holding a QR text (as a scanner or a phone saves it) rather than a binary chip record. */
export function qrTextIn(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, MAX_QR_TEXT + 64)).trim();
  return text.startsWith(QR_PREFIX) ? text : undefined;
}
