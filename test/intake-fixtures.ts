import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { reviewDossier, submitDossier } from '../src/intake/service.ts';
import type { FileStore } from '../src/platform/files.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import { PASSWORD } from './fixtures.ts';

/** Photo, cross-check and signature, in that order, on a device's clock (1 December 2026, Vietnam time). */
export const DEVICE_STEPS = { photo: { at: '2026-12-01T08:01:00+07:00' }, cross_check: { at: '2026-12-01T08:02:00+07:00' }, signature: { at: '2026-12-01T08:03:00+07:00' } };

/** A signature as a pad sends it: one stroke of dark ink on white, 600×200 PNG. */
export function padSignature(): Promise<Buffer> {
  return sharp(Buffer.from('<svg width="600" height="200"><rect width="600" height="200" fill="white"/><path d="M20 150 C 120 20, 220 180, 320 60 S 520 160, 580 40" stroke="black" stroke-width="6" fill="none"/></svg>'))
    .png()
    .toBuffer();
}

/** The commune's supervisor (giamsat.b) and police intake officer (congan.b). */
export async function addIntakeStaff(handle: DatabaseHandle, communeId: string): Promise<void> {
  await addUser(handle.db, cliActor(), { username: 'giamsat.b', fullName: 'Giám sát phường Hai', password: PASSWORD, role: 'supervisor', organisationId: communeId });
  await addUser(handle.db, cliActor(), { username: 'congan.b', fullName: 'Công an phường Hai', password: PASSWORD, role: 'intake_officer', organisationId: communeId });
}

/**
 * A dossier of the member taken, confirmed and approved through the services (the server's photo check is taken as
 * passed: it has tests of its own); answers its id.
 */
export async function approvedDossier(handle: DatabaseHandle, files: FileStore, memberId: string, images: { photo: Buffer; signature: Buffer }): Promise<string> {
  const id = randomUUID();
  await submitDossier(handle.db, cliActor(), files, { id, memberId, data: {}, steps: DEVICE_STEPS }, { content: images.photo, mime: 'image/jpeg' }, { content: images.signature, mime: 'image/png' });
  await handle.db.updateTable('dossiers').set({ photo_check: JSON.stringify({ ok: true, issues: [], checkedAt: new Date().toISOString() }) }).where('id', '=', id).execute();
  await reviewDossier(handle.db, cliActor(), id, { approve: true });
  return id;
}
