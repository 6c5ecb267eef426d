import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { importMembers } from '../src/members/import.ts';
import { reconcile } from '../src/reconciliation/service.ts';
import { embeddedRegister } from '../src/reconciliation/register.ts';
import { createPoint } from '../src/scheduling/service.ts';
import { todayInVietnam } from '../src/common/dates.ts';
import { writeCsv } from './fixtures.ts';

/** A valid personal ID of Lâm Đồng (old prefix 068) for a man (century digit 0) or woman (1) born in 19YY. */
export function personalId(n: number, year: number, female: boolean): string {
  return `068${female ? 1 : 0}${String(year % 100).padStart(2, '0')}${String(900000 + n).padStart(6, '0')}`;
}

const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hòa', 'Hùng', 'Khánh', 'Lan', 'Linh', 'Minh', 'Nga', 'Ngọc', 'Phúc', 'Quý', 'Sơn', 'Thảo', 'Thủy', 'Trang', 'Tuấn', 'Yến'];

/**
 * Today's work of a counter: `count` more members in cell B, all also in the population register exactly as in their
 * record (so the cross-check clears), an intake point in commune B, and a published plan booking cell B there today.
 */
export async function seedCounterDay(handle: DatabaseHandle, units: { communeB: { id: string }; cellB: { id: string }; province: { id: string } }, count: number) {
  const { db } = handle;
  const actor = cliActor();
  const rows = Array.from({ length: count }, (_, i) => {
    const year = 1950 + (i % 40);
    const female = i % 2 === 1;
    const name = `${female ? 'Võ Thị' : 'Đỗ Văn'} ${GIVEN[i % GIVEN.length]}${i >= GIVEN.length ? ` ${GIVEN[(i * 7) % GIVEN.length]}` : ''}`;
    return { name, personalId: personalId(i, year, female), dob: `${String((i % 27) + 1).padStart(2, '0')}/0${(i % 9) + 1}/${year}`, female };
  });
  await importMembers(db, handle.pool, actor, {
    path: writeCsv(['Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng', ...rows.map((r, i) => `${r.name},${r.personalId},${r.dob},${r.female ? 'Nữ' : 'Nam'},01/01/1990,01/01/1991,68.${900000 + i}`)]),
  }, { organisationId: units.cellB.id });
  // The register agrees with every record of the communes (copied from the members themselves).
  await sql`INSERT INTO population_register (personal_id, full_name, date_of_birth, gender, hometown, permanent_address)
    SELECT personal_id, full_name, coalesce(date_of_birth, make_date(birth_year, 1, 1)), gender, hometown, permanent_address FROM members
    ON CONFLICT (personal_id) DO NOTHING`.execute(db);
  await reconcile(db, actor, embeddedRegister(db));
  const point = await createPoint(db, actor, { name: 'Điểm tiếp nhận Công an phường Thử Hai', communeCode: '90002', operator: 'commune', kits: 2, recordsPerKitHour: 12, shifts: [{ key: 'morning', start: '07:30', end: '11:30' }], openWeekdays: [0, 1, 2, 3, 4, 5, 6] });
  const today = todayInVietnam();
  const campaign = await db
    .insertInto('campaigns')
    .values({ name: 'Đợt đổi thẻ thử', organisation_id: units.province.id, province_code: '68', start_date: today, deadline: today })
    .returning('id')
    .executeTakeFirstOrThrow();
  const plan = await db.insertInto('schedule_plans').values({ campaign_id: campaign.id, status: 'published', feasible: true, published_at: new Date(), advice: '[]', unplaceable: '[]', cross_commune_members: 0, changed_appointments: 0 }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('appointments').values({ plan_id: plan.id, cell_id: units.cellB.id, point_id: point.id, day: today, shift: 'morning', members: count + 2 }).execute();
  return { point, today, members: rows };
}
