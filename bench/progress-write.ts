/**
 * What the progress triggers (migration 0016) add to a dossier write: the group-commit insert of the intake path
 * (insertReceived: batches of up to 64 rows with their audit entries), timed with the dossier triggers on and off in
 * alternating rounds on fresh members of a generated province, in bursts (batched) and one dossier at a time. With the
 * triggers on, the fold that moves the pending rows into the counters (the server's background work) is timed after
 * each burst and each series of single writes, and counted in: the cost is the whole of what the rollups add.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { loadDemo } from '../src/demo/load.ts';
import { insertReceived, type ReceivedRow } from '../src/intake/receipt-writer.ts';
import type { Db } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { foldProgress } from '../src/progress/rollups.ts';
import { benchDatabase, round, tiny } from './support.ts';

const row = (memberId: string): ReceivedRow => ({
  id: randomUUID(),
  member_id: memberId,
  state: 'confirmed',
  data: {},
  record: {},
  photo_ref: `photo-${'0'.repeat(32)}`,
  photo_sha256: 'x',
  signature_ref: `signature-${'0'.repeat(32)}`,
  signature_sha256: 'x',
  payload_sha256: randomUUID(),
});

/** Triggers on vs off in alternating rounds, on fresh members (without dossiers) at a point; the fold counted in. */
export async function measureWriteOverhead(db: Db, freshMembers: readonly string[], pointId: string, sizes: { rounds: number; burst: number; single: number }) {
  const { rounds, burst, single } = sizes;
  if (freshMembers.length < rounds * 2 * (burst + single)) throw new Error('not enough fresh members');
  let next = 0;
  const take = (n: number) => freshMembers.slice(next, (next += n)).map((id) => ({ ...row(id), point_id: pointId }));
  const setTriggers = (on: boolean) => sql.raw(`ALTER TABLE dossiers ${on ? 'ENABLE' : 'DISABLE'} TRIGGER dossiers_progress_insert`).execute(db);
  const time = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  const totals = { on: { burst: 0, single: 0 }, off: { burst: 0, single: 0 } };
  const uncounted: string[] = [];
  let foldMs = 0;
  const fold = async () => {
    const ms = await time(() => foldProgress(db));
    foldMs += ms;
    return ms;
  };
  for (let r = 0; r < rounds; r++) {
    for (const on of r % 2 === 0 ? [true, false] : [false, true]) {
      await setTriggers(on);
      const side = totals[on ? 'on' : 'off'];
      const rows = take(burst);
      const singles = take(single);
      if (!on) uncounted.push(...rows.map((x) => x.id), ...singles.map((x) => x.id));
      side.burst += await time(() => Promise.all(rows.map((x) => insertReceived(db, x, cliActor()))));
      if (on) side.burst += await fold();
      side.single += await time(async () => {
        for (const x of singles) await insertReceived(db, x, cliActor());
      });
      if (on) side.single += await fold();
    }
  }
  // What was written with the trigger off was never counted: it goes the same way, and the counters stay true.
  await sql`ALTER TABLE dossiers DISABLE TRIGGER dossiers_progress_delete`.execute(db);
  await sql`DELETE FROM dossiers WHERE id = ANY(${uncounted}::uuid[])`.execute(db);
  await sql`ALTER TABLE dossiers ENABLE TRIGGER dossiers_progress_delete`.execute(db);
  await setTriggers(true);
  const count = rounds * burst;
  return {
    dossiers: count * 2 + rounds * single * 2,
    burstMsPerDossierOn: round(totals.on.burst / count),
    burstMsPerDossierOff: round(totals.off.burst / count),
    singleMsOn: round(totals.on.single / (rounds * single)),
    singleMsOff: round(totals.off.single / (rounds * single)),
    foldMsPerDossier: round(foldMs / (rounds * (burst + single))),
    writeOverheadPct: round((totals.on.burst / totals.off.burst - 1) * 100, 1),
    singleWriteOverheadPct: round((totals.on.single / totals.off.single - 1) * 100, 1),
  };
}

export async function run() {
  const handle = await benchDatabase();
  const { db } = handle;
  const sizes = { rounds: tiny ? 2 : 8, burst: tiny ? 128 : 1024, single: tiny ? 20 : 200 };
  await loadDemo(handle, { provinceCode: '68', members: sizes.rounds * 2 * (sizes.burst + sizes.single) + 1000, seed: 3 });
  const members = (await db.selectFrom('members').select('id').orderBy('id').execute()).map((m) => m.id);
  const point = (await db.insertInto('intake_points').values({ name: 'Điểm đo', province_code: '68', commune_code: (await db.selectFrom('communes').select('code').where('province_code', '=', '68').executeTakeFirstOrThrow()).code, operator: 'commune' }).returning('id').executeTakeFirstOrThrow()).id;
  const result = await measureWriteOverhead(db, members, point, sizes);
  await handle.dispose();
  return result;
}
