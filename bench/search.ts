import { sql } from 'kysely';
import { searchMembers } from '../src/members/service.ts';
import type { Actor } from '../src/platform/scope.ts';
import { loadDemo } from '../src/demo/load.ts';
import { provinceCommittee } from '../src/reference/service.ts';
import { benchDatabase, percentile, round, tiny } from './support.ts';

/** ID and name search at 1,000,000 members, as a provincial user through the service; a bare primary-key lookup is the limit. */
export async function run() {
  const members = tiny ? 20_000 : 1_000_000;
  const queries = tiny ? 200 : 2_000;
  const db = await benchDatabase();
  try {
    const loadStarted = performance.now();
    await loadDemo(db, { provinceCode: '68', members, seed: 11 });
    // The state autovacuum reaches within a minute of a bulk load (visibility map set, statistics fresh).
    await sql`VACUUM ANALYZE`.execute(db.db);
    console.log(`loaded ${members} members in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const committee = await provinceCommittee(db.db, '68');
    // Through the service, as the API calls it: scope check, and the audit entry an ID lookup writes.
    const actor: Actor = { userId: null, username: 'bench', role: 'provincial_admin', scope: { all: false, organisationPath: committee.path, provinceCode: '68' } };

    const sample = await sql<{ personal_id: string; full_name: string }>`
      SELECT personal_id, full_name FROM members TABLESAMPLE SYSTEM (1) REPEATABLE (3) LIMIT ${queries}`.execute(db.db);
    const ids = sample.rows.map((r) => r.personal_id);
    // What people type: a whole name, surname + given name, a given name, without or with diacritics.
    const names = sample.rows.map((r, i) => {
      const words = r.full_name.split(' ');
      const pick = [r.full_name, `${words[0]} ${words[words.length - 1]}`, words.slice(-2).join(' ')][i % 3]!;
      return { q: pick, exact: i % 2 === 0 };
    });

    const time = async (work: () => Promise<unknown>) => {
      const t = performance.now();
      await work();
      return performance.now() - t;
    };
    // Measured warm, as a server that has been answering a province's searches is.
    for (const id of ids) await searchMembers(db.db, actor, { q: id, page: 1, pageSize: 50 });
    for (const { q, exact } of names) await searchMembers(db.db, actor, { q, exact, page: 1, pageSize: 50 });
    const idTimes: number[] = [];
    for (const id of ids) idTimes.push(await time(() => searchMembers(db.db, actor, { q: id, page: 1, pageSize: 50 })));
    const nameTimes: number[] = [];
    for (const { q, exact } of names) nameTimes.push(await time(() => searchMembers(db.db, actor, { q, exact, page: 1, pageSize: 50 })));
    const plainTimes: number[] = [];
    for (const id of ids) plainTimes.push(await time(() => sql`SELECT * FROM members WHERE personal_id = ${id}`.execute(db.db)));

    const result = {
      members,
      queries,
      idP50Ms: round(percentile(idTimes, 50)),
      idP99Ms: round(percentile(idTimes, 99)),
      nameP50Ms: round(percentile(nameTimes, 50)),
      nameP99Ms: round(percentile(nameTimes, 99)),
      plainIdP99Ms: round(percentile(plainTimes, 99)),
    };
    console.log(`ID lookup p99 ${result.idP99Ms} ms (bare primary-key lookup p99 ${result.plainIdP99Ms} ms); name search p99 ${result.nameP99Ms} ms`);
    return result;
  } finally {
    await db.dispose();
  }
}
