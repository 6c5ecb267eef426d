import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewDossier, submitDossier, type DossierSubmission } from '../src/intake/service.ts';
import { moveOrganisation } from '../src/organisations/service.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { AppError } from '../src/platform/errors.ts';
import type { FileStore } from '../src/platform/files.ts';
import { cliActor, type Actor } from '../src/platform/scope.ts';
import { ensureProgressCounted, recountProgress } from '../src/progress/recount.ts';
import { foldProgress } from '../src/progress/rollups.ts';
import { progressOf } from '../src/progress/service.ts';
import { seedCounterDay } from './counter-fixtures.ts';
import { seedTwoCommunes } from './fixtures.ts';
import { temporaryFileStore } from './http.ts';
import { createTestDatabase } from './database.ts';

let handle: DatabaseHandle;
let files: FileStore;
let units: Awaited<ReturnType<typeof seedTwoCommunes>>;
let members: { id: string; card: string | null }[];
let pointId: string;
let teamId: string;
let photo: Buffer;
let signature: Buffer;
const actor = cliActor();
const STEPS = { photo: { at: '2026-12-01T08:01:00+07:00' }, cross_check: { at: '2026-12-01T08:02:00+07:00' }, signature: { at: '2026-12-01T08:03:00+07:00' } };

beforeAll(async () => {
  handle = await createTestDatabase();
  units = await seedTwoCommunes(handle);
  const day = await seedCounterDay(handle, units, 16);
  pointId = day.point.id;
  const team = await handle.db.insertInto('mobile_teams').values({ name: 'Tổ lưu động 1', province_code: '68', commune_codes: ['90001', '90002'], visits_per_day: 10 }).returning('id').executeTakeFirstOrThrow();
  teamId = team.id;
  members = await handle.db.selectFrom('members').select(['id', 'party_card_number as card']).orderBy('id').execute();
  files = await temporaryFileStore();
  photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  signature = await sharp(Buffer.from('<svg width="600" height="200"><rect width="600" height="200" fill="white"/><path d="M20 150 C 120 20, 220 180, 320 60" stroke="black" stroke-width="6" fill="none"/></svg>')).png().toBuffer();
});
afterAll(async () => {
  await handle?.close();
});

/** One thing that happens at the counters, at the review desk or to the lists. Indexes wrap around what exists. */
type IntakeEvent =
  | { kind: 'submit'; member: number; via: 'point' | 'team' | 'none' }
  | { kind: 'replay'; submission: number }
  | { kind: 'review'; dossier: number; approve: boolean }
  | { kind: 'eligibility'; member: number }
  | { kind: 'crossCheck'; member: number; result: 'open' | 'decided' | 'awaiting' | 'matched' }
  | { kind: 'moveMember'; member: number }
  | { kind: 'moveCell' }
  | { kind: 'fold' };

const eventArb: fc.Arbitrary<IntakeEvent> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('submit' as const), member: fc.nat(), via: fc.constantFrom('point' as const, 'team' as const, 'none' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), submission: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('review' as const), dossier: fc.nat(), approve: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('eligibility' as const), member: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crossCheck' as const), member: fc.nat(), result: fc.constantFrom('open' as const, 'decided' as const, 'awaiting' as const, 'matched' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('moveMember' as const), member: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('moveCell' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fold' as const) }) },
);

const submissions: DossierSubmission[] = [];

const submit = (submission: DossierSubmission) =>
  submitDossier(handle.db, actor, files, submission, { content: photo, mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });

/** Refusals by the rules (not eligible, open mismatch, already reviewed…) are part of the stream; anything else fails. */
async function refusalsAllowed(work: Promise<unknown>) {
  await work.catch((error: unknown) => {
    if (!(error instanceof AppError)) throw error;
  });
}

async function apply(event: IntakeEvent, supervisor: Actor): Promise<void> {
  const { db } = handle;
  const member = 'member' in event ? members[event.member % members.length]! : undefined;
  switch (event.kind) {
    case 'submit': {
      const submission: DossierSubmission = {
        id: randomUUID(),
        memberId: member!.id,
        data: {},
        steps: STEPS,
        ...(event.via === 'point' ? { pointId } : event.via === 'team' ? { mobileTeamId: teamId } : {}),
      };
      submissions.push(submission);
      return refusalsAllowed(submit(submission));
    }
    case 'replay': {
      const earlier = submissions[event.submission % Math.max(submissions.length, 1)];
      if (earlier) await refusalsAllowed(submit({ ...earlier }));
      return;
    }
    case 'review': {
      const dossiers = await db.selectFrom('dossiers').select('id').orderBy('id').execute();
      const dossier = dossiers[event.dossier % Math.max(dossiers.length, 1)];
      if (!dossier) return;
      // The background photo check, as if its sweep had passed (an unrelated dossier update the triggers must ignore).
      await db.updateTable('dossiers').set({ photo_check: JSON.stringify({ ok: true, issues: [], checkedAt: new Date().toISOString() }) }).where('id', '=', dossier.id).execute();
      return refusalsAllowed(reviewDossier(db, supervisor, dossier.id, event.approve ? { approve: true } : { approve: false, reason: 'Ảnh mờ' }));
    }
    case 'eligibility': {
      const now = await db.selectFrom('members').select('party_card_number').where('id', '=', member!.id).executeTakeFirstOrThrow();
      await db.updateTable('members').set({ party_card_number: now.party_card_number ? null : (member!.card ?? '68999999') }).where('id', '=', member!.id).execute();
      return;
    }
    case 'crossCheck': {
      const [status, blocking, decided] =
        event.result === 'open' ? ['mismatched', true, false] : event.result === 'decided' ? ['mismatched', true, true] : event.result === 'awaiting' ? ['awaiting', true, false] : ['matched', false, false];
      await sql`
        INSERT INTO reconciliation_results AS rr (member_id, status, blocking, differences, checked_at, decision, decided_at)
        VALUES (${member!.id}, ${status}, ${blocking}, '[]', now(), ${decided ? 'kept' : null}, ${decided ? new Date() : null})
        ON CONFLICT (member_id) DO UPDATE SET status = excluded.status, blocking = excluded.blocking, decision = excluded.decision,
          decided_at = excluded.decided_at`.execute(db);
      return;
    }
    case 'moveMember': {
      const now = await db.selectFrom('members').select('organisation_id').where('id', '=', member!.id).executeTakeFirstOrThrow();
      await db.updateTable('members').set({ organisation_id: now.organisation_id === units.cellA.id ? units.cellB.id : units.cellA.id }).where('id', '=', member!.id).execute();
      return;
    }
    case 'moveCell': {
      // Cell B (with most of the dossiers) goes back and forth between the two communes.
      const cell = await db.selectFrom('organisations').select('parent_id').where('id', '=', units.cellB.id).executeTakeFirstOrThrow();
      await moveOrganisation(db, actor, units.cellB.id, cell.parent_id === units.communeB.id ? units.communeA.id : units.communeB.id);
      return;
    }
    case 'fold':
      // The server's background fold, at any moment, beside the writers.
      await foldProgress(db);
      return;
  }
}

describe('progress rollups', () => {
  it('equal a recount from the sources after every batch of random intake events', async () => {
    const supervisor: Actor = { ...actor, userId: units.admin.id, username: 'quantri' };
    let batches = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(eventArb, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }), async (stream) => {
        for (const batch of stream) {
          // A batch happens at once: submissions share group-commit transactions, reviews and edits run beside them.
          await Promise.all(batch.map((event) => apply(event, supervisor)));
          const report = await recountProgress(handle.db);
          expect(report.differences).toEqual([]);
          batches++;
        }
      }),
      { numRuns: 30 },
    );
    // The stream did reach every kind of state the counters tell apart.
    const states = await handle.db.selectFrom('dossiers').select(['state', sql<number>`count(*)::int`.as('n')]).groupBy('state').execute();
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(['confirmed', 'ready_to_send', 'returned']));
    expect(await handle.db.selectFrom('dossiers').select('id').where('conflict_with', 'is not', null).execute()).not.toHaveLength(0);
    expect(batches).toBeGreaterThan(12);
    // Folded to the last row, the stored tables alone hold the counts.
    await foldProgress(handle.db);
    expect((await sql`SELECT sign FROM progress_pending`.execute(handle.db)).rows).toEqual([]);
    expect((await recountProgress(handle.db)).differences).toEqual([]);
  });

  it('reports a drifted counter and puts it right with fix', async () => {
    await sql`UPDATE progress_units SET received = received + 5 WHERE organisation_id = ${units.province.id}`.execute(handle.db);
    const drifted = await recountProgress(handle.db);
    expect(drifted.differences).toEqual([
      expect.objectContaining({ table: 'progress_units', key: { organisation_id: units.province.id }, counters: { received: expect.objectContaining({ stored: expect.any(Number) }) } }),
    ]);
    const { stored, recounted } = drifted.differences[0]!.counters.received!;
    expect(stored - recounted).toBe(5);
    expect((await recountProgress(handle.db, { fix: true })).fixed).toBe(true);
    expect((await recountProgress(handle.db)).differences).toEqual([]);
  });

  it('counts a database that was never counted once, when the app opens it (an upgrade from before the counters)', async () => {
    await sql`DELETE FROM progress_state`.execute(handle.db);
    await sql`TRUNCATE progress_units, progress_sources, progress_unit_days, progress_source_days, progress_members, progress_pending, progress_scheduled`.execute(handle.db);
    expect((await recountProgress(handle.db)).differences.length).toBeGreaterThan(0);
    await ensureProgressCounted(handle.db);
    expect((await recountProgress(handle.db)).differences).toEqual([]);
    expect((await sql`SELECT FROM progress_state`.execute(handle.db)).rows).toHaveLength(1);
    // Done once: a drift afterwards is the recount's to report, not put right silently at the next opening.
    await sql`UPDATE progress_units SET target = target + 1 WHERE organisation_id = ${units.cellA.id}`.execute(handle.db);
    await ensureProgressCounted(handle.db);
    expect((await recountProgress(handle.db)).differences).toHaveLength(1);
    await recountProgress(handle.db, { fix: true });
  });

  it('reads a unit and its children from the counters, within the caller scope only', async () => {
    const progress = await progressOf(handle.db, actor, { organisationId: units.province.id });
    const recount = await recountProgress(handle.db);
    expect(recount.differences).toEqual([]);
    const stored = await handle.db.selectFrom('members').select(sql<number>`count(*) FILTER (WHERE eligible)::int`.as('n')).executeTakeFirstOrThrow();
    expect(progress.unit).toMatchObject({ id: units.province.id, target: stored.n });
    // Children's totals add up to the province's (every member is in a commune below it).
    const sum = (key: 'target' | 'received' | 'approved') => progress.children.reduce((total, c) => total + c[key], 0);
    for (const key of ['target', 'received', 'approved'] as const) expect(sum(key)).toBe(progress.unit![key]);

    const inspector: Actor = { userId: null, username: 'thanhtra', role: 'inspector', scope: { all: false, organisationPath: `${(await handle.db.selectFrom('organisations').select('path').where('id', '=', units.communeA.id).executeTakeFirstOrThrow()).path}` } };
    await expect(progressOf(handle.db, inspector, { organisationId: units.province.id })).rejects.toMatchObject({ code: 'organisation.not_found' });
    expect((await progressOf(handle.db, inspector)).unit).toMatchObject({ id: units.communeA.id });
    const officer: Actor = { ...inspector, role: 'intake_officer' };
    await expect(progressOf(handle.db, officer)).rejects.toMatchObject({ code: 'auth.forbidden' });
  });
});
