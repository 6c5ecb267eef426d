/**
 * What the counter keeps on the device, in IndexedDB: the day's list and the outbox of confirmed dossiers, both
 * encrypted with AES-GCM under the key the server gives this user (held in memory only), and the offline unlock of
 * the last officer who signed in here (that key and the session, sealed under their password: decision 0019).
 * Non-personal bookkeeping (ids, states, error codes) stays readable so the outbox can be shown and synced; names,
 * data and images do not.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CounterDay } from './api.ts';

export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export type OutboxState = 'pending' | 'sending' | 'failed' | 'rejected';

/** An outbox entry: the bookkeeping in clear, the dossier sealed. */
export interface OutboxEntry {
  id: string;
  /** Whose key sealed it: another user signed in on the same device neither reads nor sends it. */
  owner: string;
  state: OutboxState;
  attempts: number;
  createdAt: string;
  /** The server's (or the network's) last answer, when it was not an acknowledgement. */
  error?: { code: string; message: string };
  sealed: SealedDossier;
}

/** The dossier itself, as sealed in an outbox entry. */
export interface OutboxDossier {
  submission: Record<string, unknown> & { id: string; memberId: string };
  memberName: string;
  personalId: string;
  photo: Blob;
  /** The pad's PNG, or the signed slip's scan; none when signed on paper and not scanned. */
  signature: Blob | null;
}

/** The offline unlock: who, in clear (to name them on the unlock screen); the rest sealed under their password. */
export interface UnlockRecord {
  username: string;
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  sealed: Sealed;
}

interface CounterSchema extends DBSchema {
  day: { key: string; value: { station: string; date: string; sealed: Sealed } };
  outbox: { key: string; value: OutboxEntry };
  unlock: { key: string; value: UnlockRecord };
}

const DB_NAME = 'doithe-counter';
let opened: Promise<IDBPDatabase<CounterSchema>> | null = null;

function database() {
  opened ??= openDB<CounterSchema>(DB_NAME, 2, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('day');
        db.createObjectStore('outbox', { keyPath: 'id' });
      }
      if (oldVersion < 2) db.createObjectStore('unlock');
    },
  });
  return opened;
}

export async function importKey(base64: string): Promise<CryptoKey> {
  const raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function seal(key: CryptoKey, bytes: ArrayBuffer): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, data: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes) };
}

const open = (key: CryptoKey, sealed: Sealed) => crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, key, sealed.data);
export const sealJson = (key: CryptoKey, value: unknown) => seal(key, new TextEncoder().encode(JSON.stringify(value)).buffer);
export const openJson = async <T>(key: CryptoKey, sealed: Sealed): Promise<T> => JSON.parse(new TextDecoder().decode(await open(key, sealed))) as T;

/** The day's list replaces the one before: a lost laptop holds at most one day. */
export async function saveDay(key: CryptoKey, day: CounterDay): Promise<void> {
  const db = await database();
  await db.put('day', { station: `${day.station.kind}:${day.station.id}`, date: day.date, sealed: await sealJson(key, day) }, 'current');
}

export async function loadDay(key: CryptoKey): Promise<CounterDay | null> {
  const entry = await (await database()).get('day', 'current');
  if (!entry) return null;
  try {
    return await openJson<CounterDay>(key, entry.sealed);
  } catch {
    // Sealed under another user's key: not ours to read.
    return null;
  }
}

export async function clearDay(): Promise<void> {
  await (await database()).delete('day', 'current');
}

interface SealedDossier {
  meta: Sealed;
  photo: Sealed;
  signature: Sealed | null;
}

type DossierMeta = Omit<OutboxDossier, 'photo' | 'signature'> & { photoType: string; signatureType: string | null };

export async function enqueue(key: CryptoKey, owner: string, dossier: OutboxDossier): Promise<OutboxEntry> {
  const { photo, signature, ...rest } = dossier;
  const meta: DossierMeta = { ...rest, photoType: photo.type, signatureType: signature?.type ?? null };
  // Images are sealed as bytes: a Blob put in IndexedDB would be kept in clear by the browser.
  const sealed: SealedDossier = { meta: await sealJson(key, meta), photo: await seal(key, await photo.arrayBuffer()), signature: signature ? await seal(key, await signature.arrayBuffer()) : null };
  const entry: OutboxEntry = { id: dossier.submission.id, owner, state: 'pending', attempts: 0, createdAt: new Date().toISOString(), sealed };
  await (await database()).put('outbox', entry);
  return entry;
}

export async function readDossier(key: CryptoKey, entry: OutboxEntry): Promise<OutboxDossier> {
  const { photoType, signatureType, ...meta } = await openJson<DossierMeta>(key, entry.sealed.meta);
  return {
    ...meta,
    photo: new Blob([await open(key, entry.sealed.photo)], { type: photoType }),
    signature: entry.sealed.signature ? new Blob([await open(key, entry.sealed.signature)], { type: signatureType ?? '' }) : null,
  };
}

/** This user's entries, oldest first. */
export async function outboxEntries(owner: string): Promise<OutboxEntry[]> {
  const entries = (await (await database()).getAll('outbox')).filter((e) => e.owner === owner);
  return entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function updateEntry(id: string, change: Partial<Pick<OutboxEntry, 'state' | 'attempts' | 'error'>>): Promise<void> {
  const db = await database();
  const tx = db.transaction('outbox', 'readwrite');
  const entry = await tx.store.get(id);
  if (entry) {
    const next = { ...entry, ...change };
    if (!('error' in change)) delete next.error;
    await tx.store.put(next);
  }
  await tx.done;
}

/** Acknowledged by the server (or given up by the officer): nothing of it stays on the device. */
export async function removeEntry(id: string): Promise<void> {
  await (await database()).delete('outbox', id);
}

export async function saveUnlock(record: UnlockRecord): Promise<void> {
  await (await database()).put('unlock', record, 'current');
}

export async function loadUnlock(): Promise<UnlockRecord | undefined> {
  return (await database()).get('unlock', 'current');
}

/** Signing out ends offline work on this device too (the outbox stays, sealed, for the next sign-in). */
export async function clearUnlock(): Promise<void> {
  await (await database()).delete('unlock', 'current');
}
