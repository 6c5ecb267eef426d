import type { Trust } from './cardVerifier.ts';

/**
 * The lists a verifier trusts, kept in the browser so it checks cards offline: the root key (pinned at the first
 * visit), the signed issuer key list and the signed status list, with the time they were fetched. The lists are
 * fetched fresh whenever the server answers.
 */
const STORAGE_KEY = 'doithe.verify.trust';

export interface StoredTrust extends Trust {
  fetchedAt: string;
  /** The server offered another root key than the one kept from the first visit: the kept one stays trusted. */
  rootChanged?: boolean;
}

const toBase64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** The DER inside a PEM public key. */
function pemToDer(pem: string): Uint8Array {
  return fromBase64(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
}

export function storedTrust(): StoredTrust | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const t = JSON.parse(raw) as { root: string; keyList: string; statusList: string; fetchedAt: string };
    return { root: fromBase64(t.root), keyList: fromBase64(t.keyList), statusList: fromBase64(t.statusList), fetchedAt: t.fetchedAt };
  } catch {
    return null;
  }
}

/** Downloads the three, keeps them, and answers them; throws when the server cannot be reached. */
export async function fetchTrust(): Promise<StoredTrust> {
  const get = async (path: string) => {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const [rootPem, keyList, statusList] = await Promise.all([get('/api/public/root-key'), get('/api/public/issuer-keys'), get('/api/public/status-list')]);
  // The root is pinned at the first visit: a server (or anyone between) offering another one later is not believed.
  const offered = pemToDer(new TextDecoder().decode(rootPem));
  const pinned = storedTrust()?.root;
  const rootChanged = pinned !== undefined && toBase64(pinned) !== toBase64(offered);
  const trust = { root: pinned ?? offered, keyList, statusList, fetchedAt: new Date().toISOString(), rootChanged };
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ root: toBase64(trust.root), keyList: toBase64(keyList), statusList: toBase64(statusList), fetchedAt: trust.fetchedAt }));
  return trust;
}
