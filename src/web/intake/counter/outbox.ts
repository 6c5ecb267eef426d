/**
 * Sends the outbox to the server, one dossier at a time, with its own id as the idempotency key: a dossier whose
 * answer was lost is sent again and the server answers with the original, so each lands exactly once. Entries leave
 * the device only when acknowledged; a refusal stays, with the server's message, until the officer deals with it.
 */
import { api, ApiError, NETWORK_ERROR, setCsrfToken } from '../../api.ts';
import { counterApi, type DossierReceipt } from './api.ts';
import { outboxEntries, readDossier, removeEntry, updateEntry, type OutboxEntry } from './vault.ts';

/** Worth trying again later: no answer, the server's trouble, a rate limit or an ended session. */
export function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  // A stale CSRF token (signed in again in another tab) is the session's trouble, not a refusal of the dossier.
  return error.code === 'auth.csrf' || error.status === 0 || error.status >= 500 || error.status === 429 || error.status === 401 || error.status === 408;
}

export interface Acknowledged {
  receipt: DossierReceipt;
  memberName: string;
  personalId: string;
}

let running: Promise<Acknowledged[]> | null = null;

/** One pass over the outbox; concurrent calls share the pass under way. */
export function syncOutbox(key: CryptoKey, owner: string, onChange: () => void): Promise<Acknowledged[]> {
  running ??= pass(key, owner, onChange).finally(() => {
    running = null;
  });
  return running;
}

async function pass(key: CryptoKey, owner: string, onChange: () => void): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  // "sending" left over from a closed tab is sent again: the key makes that safe.
  const due = (await outboxEntries(owner)).filter((e) => e.state !== 'rejected');
  for (const entry of due) {
    const outcome = await send(key, entry, onChange);
    if (outcome === 'offline') break;
    if (outcome) acknowledged.push(outcome);
  }
  return acknowledged;
}

async function send(key: CryptoKey, entry: OutboxEntry, onChange: () => void): Promise<Acknowledged | null | 'offline'> {
  await updateEntry(entry.id, { state: 'sending', attempts: entry.attempts + 1 });
  onChange();
  let dossier: Awaited<ReturnType<typeof readDossier>>;
  try {
    dossier = await readDossier(key, entry);
  } catch {
    // Not readable with this key (damaged storage): kept as it is, shown, never sent as something else.
    await updateEntry(entry.id, { state: 'rejected', error: { code: 'counter.unreadable', message: '' } });
    onChange();
    return null;
  }
  const form = new FormData();
  // Byte for byte what was sealed at confirmation: a retry must carry the same payload to be recognised.
  form.append('submission', JSON.stringify(dossier.submission));
  form.append('photo', dossier.photo, 'anh.jpg');
  if (dossier.signature) form.append('signature', dossier.signature, dossier.signature.type === 'image/png' ? 'chu-ky.png' : 'phieu-da-ky.jpg');
  try {
    const receipt = await counterApi.submit(form);
    await removeEntry(entry.id);
    onChange();
    return { receipt, memberName: dossier.memberName, personalId: dossier.personalId };
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError(0, NETWORK_ERROR, '');
    const detail = failure.issues.length ? failure.issues.map((i) => i.message).join(' ') : failure.message;
    await updateEntry(entry.id, { state: retryable(error) ? 'failed' : 'rejected', error: { code: failure.code, message: detail } });
    onChange();
    // A fresh token for the next pass.
    if (failure.code === 'auth.csrf') await api.getSession().then((session) => setCsrfToken(session.csrfToken), () => {});
    return failure.status === 0 ? 'offline' : null;
  }
}
