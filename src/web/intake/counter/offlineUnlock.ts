/**
 * Offline unlock (decision 0019). When an officer who takes dossiers signs in, the counter key the server holds for them
 * and their session are sealed on the device under a key derived from their password (PBKDF2-SHA-256). After a reload
 * or a browser restart with no line, the password opens them again: the counter works on the day's list and the
 * outbox it kept, and sends when the line is back. Signing out removes it.
 */
import { setCsrfToken, type Session } from '../../api.ts';
import { counterApi } from './api.ts';
import { canCapture } from '../permissions.ts';
import { clearUnlock, importKey, loadUnlock, openJson, saveUnlock, sealJson } from './vault.ts';

/** OWASP's figure for PBKDF2-SHA-256 (2023): a guess costs this many hashes, about half a second in a browser. */
const ITERATIONS = 600_000;

interface Unlocked {
  session: Session;
  /** The counter key, as the server gives it (base64). */
  key: string;
}

async function passwordKey(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The counter key opened offline in this page, and whose it is. */
let held: { userId: string; key: CryptoKey } | null = null;

/** The sealing (or forgetting) under way since sign-in (the key derivation takes about half a second). */
let remembering: Promise<void> = Promise.resolve();

/**
 * Forgets what this page and device hold for offline work, then does `next`, after any step still under way (a
 * sealing finishing late would otherwise write back a record just removed).
 */
function afterForgetting(next: () => Promise<void> = async () => undefined): Promise<void> {
  const before = remembering;
  remembering = (async () => {
    await before.catch(() => undefined);
    held = null;
    await clearUnlock();
    await next();
  })();
  return remembering;
}

/**
 * At sign-in, for an officer who takes dossiers: keeps the unlock for this device (the last such officer's only).
 * Whatever happens, the previous record is gone first: anyone else signing in, or a sealing that fails, leaves none,
 * so a shared PC never opens another's work offline.
 */
export function rememberForOffline(session: Session, password: string): Promise<void> {
  return afterForgetting(async () => {
    if (!canCapture(session.user.role)) return;
    const { key } = await counterApi.key();
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const sealed = await sealJson(await passwordKey(password, salt, ITERATIONS), { session, key } satisfies Unlocked);
    await saveUnlock({ username: session.user.username, salt, iterations: ITERATIONS, sealed });
  });
}

/**
 * Ends offline work on this device: at sign-out, and when the server says the session is over (ended, expired, the
 * user disabled), so the old password no longer opens anything here. The outbox stays, sealed, for the next sign-in.
 */
export const forgetOffline = (): Promise<void> => afterForgetting();

/** Who can unlock this device offline, if anyone (once the sealing started at sign-in has ended). */
export async function offlineUser(): Promise<string | undefined> {
  await remembering.catch(() => undefined);
  return (await loadUnlock())?.username;
}

/** The counter key opened offline in this page for this user, if it was. */
export const offlineKey = (userId: string): CryptoKey | null => (held?.userId === userId ? held.key : null);

/**
 * Opens the unlock with the password: the session comes back (its CSRF token too, so the outbox can send as soon as
 * the line returns) and the counter key is held in memory. Undefined when the password does not open it.
 */
export async function unlockOffline(password: string): Promise<Session | undefined> {
  const record = await loadUnlock();
  if (!record) return undefined;
  let unlocked: Unlocked;
  try {
    unlocked = await openJson<Unlocked>(await passwordKey(password, record.salt, record.iterations), record.sealed);
  } catch {
    return undefined; // AES-GCM refuses a key from another password
  }
  held = { userId: unlocked.session.user.id, key: await importKey(unlocked.key) };
  setCsrfToken(unlocked.session.csrfToken);
  return unlocked.session;
}
