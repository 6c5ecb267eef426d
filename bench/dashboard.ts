/**
 * Progress dashboards at national scale (issue 6): the whole nation generated (34 provinces with their real communes
 * from ../shared, 5.6 million members, about 60% of them with a dossier received over the last 30 days), the
 * counters rebuilt, and a second of submissions left pending (not folded), as the server would have it. Then the
 * national and every provincial dashboard (the unit, its child rows, the day series and the forecasts) read through
 * the service, round-robin; the limit is the bare primary-key reads of the same counter rows. Last, what the counters
 * add to a dossier write, measured on this database (bench/progress-write.ts).
 */
import path from 'node:path';
import { sql } from 'kysely';
import { todayInVietnam } from '../src/common/dates.ts';
import { loadDemo } from '../src/demo/load.ts';
import { cliActor } from '../src/platform/scope.ts';
import { rebuildProgress } from '../src/progress/recount.ts';
import { progressOf } from '../src/progress/service.ts';
import { importAdminUnits, provinceCommittee } from '../src/reference/service.ts';
import { dayNumber, isoFromDayNumber } from '../src/scheduling/domain/slots.ts';
import { measureWriteOverhead } from './progress-write.ts';
import { benchDatabase, percentile, round, tiny } from './support.ts';

const ADMIN_UNITS = path.resolve('../shared/data/admin-units-2025.csv');

export async function run() {
  const members = tiny ? 17_000 : 5_600_000;
  const reads = tiny ? 40 : 400;
  const pendingDossiers = tiny ? 50 : 500;
  const writeSizes = tiny ? { rounds: 2, burst: 64, single: 10 } : { rounds: 8, burst: 1024, single: 200 };
  const handle = await benchDatabase();
  const { db } = handle;
  const actor = cliActor();
  const today = todayInVietnam();
  const daysAgo = (n: number) => isoFromDayNumber(dayNumber(today)! - n);
  try {
    const started = performance.now();
    const loaded = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM members`.execute(db)).rows[0]!.n);
    const provinces = (await db.selectFrom('provinces').select('code').orderBy('code').execute()).map((p) => p.code);
    if (loaded === members) {
      // A nation kept from an earlier run (BENCH_KEEP_DB): what that run added at its point goes (some of it written
      // with the counting trigger off, by the write measure), and the counters are rebuilt.
      await sql`ALTER TABLE dossiers DISABLE TRIGGER USER`.execute(db);
      await sql`DELETE FROM dossiers WHERE point_id IS NOT NULL`.execute(db);
      await sql`ALTER TABLE dossiers ENABLE TRIGGER USER`.execute(db);
      await sql`DELETE FROM intake_points`.execute(db);
      await db.transaction().execute((trx) => rebuildProgress(trx));
      await sql`VACUUM ANALYZE`.execute(db);
      console.log(`nation kept from an earlier run: ${members} members`);
    } else {
      const units = await importAdminUnits(db, actor, ADMIN_UNITS);
      if (units.rejected.length > 0) throw new Error(`${ADMIN_UNITS}: ${units.rejected.length} rows rejected`);
      for (const [i, code] of provinces.entries()) {
        // The rest of the division goes to the last province.
        const count = Math.floor(members / provinces.length) + (i === provinces.length - 1 ? members % provinces.length : 0);
        await loadDemo(handle, { provinceCode: code, members: count, seed: 100 + i });
        const committee = await provinceCommittee(db, code);
        await db.insertInto('campaigns').values({ name: `Đợt đổi thẻ ${code}`, organisation_id: committee.id, province_code: code, start_date: daysAgo(29), deadline: daysAgo(-30) }).execute();
      }
      console.log(`nation: ${members} members in ${provinces.length} provinces, loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

      // About 60% of the eligible members took their record over the last 30 days: most confirmed, some approved,
      // returned or ready to send. Written in bulk with the counting triggers off, then the counters rebuilt at once.
      const dossierStarted = performance.now();
      await sql`ALTER TABLE dossiers DISABLE TRIGGER USER`.execute(db);
      await sql`
        INSERT INTO dossiers (id, member_id, state, data, record, payload_sha256, received_at, reviewed_at)
        SELECT gen_random_uuid(), m.id, s.state, '{}', '{}', md5(m.id::text),
          now() - make_interval(days => (m.id % 30)::int, mins => (m.id % 600)::int),
          CASE WHEN s.state <> 'confirmed' THEN now() - make_interval(days => (m.id % 30)::int) + interval '2 hours' END
        FROM members m, LATERAL (SELECT CASE WHEN m.id % 20 < 13 THEN 'confirmed' WHEN m.id % 20 < 18 THEN 'approved'
          WHEN m.id % 20 = 18 THEN 'returned' ELSE 'ready_to_send' END AS state) s
        WHERE m.eligible AND (m.id * 7919) % 100 < 60`.execute(db);
      await sql`ALTER TABLE dossiers ENABLE TRIGGER USER`.execute(db);
      await db.transaction().execute((trx) => rebuildProgress(trx));
      await sql`VACUUM ANALYZE`.execute(db);
      await sql`CHECKPOINT`.execute(db);
      console.log(`dossiers and the counters in ${((performance.now() - dossierStarted) / 1000).toFixed(0)} s`);
    }
    const dossiers = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dossiers`.execute(db)).rows[0]!.n);
    // A second of submissions not yet folded (the server folds every second): every read adds them.
    const commune = await db.selectFrom('communes').select('code').where('province_code', '=', provinces[0]!).orderBy('code').executeTakeFirstOrThrow();
    const point = (await db.insertInto('intake_points').values({ name: 'Điểm đo', province_code: provinces[0]!, commune_code: commune.code, operator: 'commune' }).returning('id').executeTakeFirstOrThrow()).id;
    const fresh = (await sql<{ id: string }>`SELECT m.id FROM members m WHERE m.eligible AND NOT EXISTS (SELECT FROM dossiers d WHERE d.member_id = m.id)
      ORDER BY m.id LIMIT ${pendingDossiers + writeSizes.rounds * 2 * (writeSizes.burst + writeSizes.single)}`.execute(db)).rows.map((r) => r.id);
    await sql`
      INSERT INTO dossiers (id, member_id, point_id, state, data, record, payload_sha256)
      SELECT gen_random_uuid(), id, ${point}, 'confirmed', '{}', '{}', md5(id::text) FROM unnest(${fresh.slice(0, pendingDossiers)}::bigint[]) AS f(id)`.execute(db);

    // The reads, round-robin: the nation, then each province.
    const committees = await Promise.all(provinces.map((code) => provinceCommittee(db, code)));
    const national = () => progressOf(db, actor, { today });
    const provincial = (i: number) => progressOf(db, actor, { organisationId: committees[i % committees.length]!.id, today });
    const nationalView = await national();
    for (let i = 0; i < committees.length; i++) await provincial(i); // warm
    const times = { national: [] as number[], province: [] as number[] };
    for (let i = 0; i < reads; i++) {
      let t = performance.now();
      await national();
      times.national.push(performance.now() - t);
      t = performance.now();
      await provincial(i);
      times.province.push(performance.now() - t);
    }

    // The limit: the same counter rows read bare by primary key (the unit, its children, their days since the start).
    const raw: number[] = [];
    const rawIds = [nationalView.unit?.id, ...nationalView.children.map((c) => c.id)].filter((id): id is string => Boolean(id));
    const provinceIds = await Promise.all(committees.map(async (c) => [c.id, ...(await db.selectFrom('organisations').select('id').where('parent_id', '=', c.id).execute()).map((o) => o.id)]));
    for (let i = 0; i < reads; i++) {
      for (const ids of [rawIds, provinceIds[i % provinceIds.length]!]) {
        const t = performance.now();
        await sql`SELECT * FROM progress_units WHERE organisation_id = ANY(${ids}::bigint[])`.execute(db);
        await sql`SELECT * FROM progress_unit_days WHERE organisation_id = ANY(${ids}::bigint[]) AND day BETWEEN ${daysAgo(29)}::date AND ${today}::date`.execute(db);
        raw.push(performance.now() - t);
      }
    }

    const write = await measureWriteOverhead(db, fresh.slice(pendingDossiers), point, writeSizes);
    const all = [...times.national, ...times.province];
    return {
      members,
      dossiers,
      provinces: provinces.length,
      communes: Number((await sql<{ n: string }>`SELECT count(*) AS n FROM communes`.execute(db)).rows[0]!.n),
      organisations: Number((await sql<{ n: string }>`SELECT count(*) AS n FROM organisations`.execute(db)).rows[0]!.n),
      nationalChildren: nationalView.children.length,
      seriesDays: nationalView.series.length,
      pendingDossiers,
      nationalP99Ms: round(percentile(times.national, 99)),
      provinceP99Ms: round(percentile(times.province, 99)),
      p99Ms: round(percentile(all, 99)),
      p50Ms: round(percentile(all, 50)),
      rawP99Ms: round(percentile(raw, 99)),
      writeOverheadPct: write.writeOverheadPct,
      singleWriteOverheadPct: write.singleWriteOverheadPct,
      foldMsPerDossier: write.foldMsPerDossier,
    };
  } finally {
    await handle.dispose();
  }
}
