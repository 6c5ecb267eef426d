/**
 * The demo province's campaign, so the counter can be tried at once: an intake point in each of the first communes,
 * a campaign from today, its plan published (today's cells are booked), and a police officer and a supervisor of the
 * first commune. Made with the real services, once.
 */
import { sql } from 'kysely';
import { addDays } from '../scheduling/domain/slots.ts';
import { todayInVietnam } from '../common/dates.ts';
import type { DatabaseHandle } from '../platform/db.ts';
import { cliActor } from '../platform/scope.ts';
import { provinceCommittee } from '../reference/service.ts';
import { createCampaign, createPoint, planCampaign } from '../scheduling/service.ts';
import { publishPlan } from '../scheduling/outputs-service.ts';
import { addUser } from '../users/service.ts';
import { reconcile } from '../reconciliation/service.ts';
import { embeddedRegister } from '../reconciliation/register.ts';

export const DEMO_INTAKE_OFFICER = { username: 'congan.xa', password: 'doithe@2025' } as const;
export const DEMO_SUPERVISOR = { username: 'giamsat.xa', password: 'doithe@2025' } as const;

const POINTS = 12;

export async function ensureDemoCampaign(app: DatabaseHandle, provinceCode: string, log: (line: string) => void): Promise<void> {
  const { db } = app;
  if (await db.selectFrom('campaigns').select('id').limit(1).executeTakeFirst()) return;
  const actor = cliActor();
  // Communes whose party committees have members, in code order.
  const communes = await sql<{ code: string; name: string; committeeId: string }>`
    SELECT c.code, c.name, min(o.id) AS "committeeId" FROM communes c
    JOIN organisations o ON o.commune_code = c.code AND o.kind = 'commune_committee'
    WHERE c.province_code = ${provinceCode} AND EXISTS (SELECT 1 FROM members m JOIN organisations cell ON cell.id = m.organisation_id WHERE cell.path LIKE o.path || '%')
    GROUP BY c.code, c.name ORDER BY c.code LIMIT ${POINTS}`.execute(db);
  if (communes.rows.length === 0) return;
  for (const commune of communes.rows) {
    await createPoint(db, actor, {
      name: `Điểm tiếp nhận Công an ${commune.name}`,
      communeCode: commune.code,
      operator: 'commune',
      kits: 2,
      shifts: [
        { key: 'morning', start: '07:30', end: '11:30' },
        { key: 'afternoon', start: '13:30', end: '17:00' },
        { key: 'evening', start: '18:00', end: '21:00' },
      ],
      openWeekdays: [0, 1, 2, 3, 4, 5, 6],
    });
  }
  // The whole province checked against the demo register, so the counter shows matches and the odd mismatch.
  await reconcile(db, actor, embeddedRegister(db));
  const today = todayInVietnam();
  const province = await provinceCommittee(db, provinceCode);
  const campaign = await createCampaign(db, actor, { name: 'Đợt đổi thẻ đảng viên (mẫu)', organisationId: province.id, startDate: today, deadline: addDays(today, 30) });
  const plan = await planCampaign(db, actor, campaign.id);
  await publishPlan(db, actor, plan.id);
  const first = communes.rows[0]!;
  await addUser(db, actor, { ...DEMO_INTAKE_OFFICER, fullName: `Công an ${first.name}`, role: 'intake_officer', organisationId: first.committeeId });
  await addUser(db, actor, { ...DEMO_SUPERVISOR, fullName: `Giám sát ${first.name}`, role: 'supervisor', organisationId: first.committeeId });
  log(`Đã tạo ${communes.rows.length} điểm tiếp nhận và kế hoạch đổi thẻ từ hôm nay; quầy tiếp nhận: ${DEMO_INTAKE_OFFICER.username} / ${DEMO_INTAKE_OFFICER.password}, giám sát: ${DEMO_SUPERVISOR.username} / ${DEMO_SUPERVISOR.password}.`);
}
