import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { DatabaseHandle } from '../../src/platform/db.ts';
import { cliActor } from '../../src/platform/scope.ts';
import { addUser } from '../../src/users/service.ts';
import { createTestDatabase } from '../database.ts';
import { PASSWORD, seedTwoCommunes } from '../fixtures.ts';
import { startServer } from '../http.ts';
import { launchChromium, signIn as signInAs } from './support.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let units: Awaited<ReturnType<typeof seedTwoCommunes>>;

beforeAll(async () => {
  handle = await createTestDatabase();
  units = await seedTwoCommunes(handle);
  // the provincial police / organisation committee planner, scoped to the province committee
  await addUser(handle.db, cliActor(), { username: 'pc06', fullName: 'Phòng PC06', password: PASSWORD, role: 'provincial_admin', organisationId: units.province.id });
  server = await startServer(handle);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await handle?.close();
});

const signIn = (username: string) => signInAs(browser, server.base, username, { acceptDownloads: true });

// Patient polls: the e2e files run side by side, two browsers on two cores.
const slow = { timeout: 15_000 };

async function choose(page: Page, within: Locator, combobox: RegExp, option: string) {
  await within.getByRole('combobox', { name: combobox }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Adds a point with the form's presets (1 kit, 12 records an hour, Monday to Friday), the afternoon shift left as chosen. */
async function addPoint(page: Page, name: string, commune: string, afternoon: boolean) {
  await page.getByRole('button', { name: 'Thêm điểm tiếp nhận' }).click();
  const dialog = page.getByRole('dialog', { name: 'Thêm điểm tiếp nhận' });
  await expect.poll(() => dialog.isVisible(), slow).toBe(true);
  await dialog.getByRole('textbox', { name: /^Tên điểm tiếp nhận/ }).fill(name);
  await choose(page, dialog, /^Xã, phường/, commune);
  await dialog.getByRole('radio', { name: 'Công an xã' }).check();
  if (!afternoon) await dialog.getByRole('checkbox', { name: 'Ca chiều' }).uncheck();
  expect(await dialog.getByRole('textbox', { name: 'Giờ bắt đầu ca sáng' }).inputValue()).toBe('07:30');
  expect(await dialog.getByRole('textbox', { name: 'Giờ kết thúc ca sáng' }).inputValue()).toBe('11:30');
  expect(await dialog.getByText('= 48 chỗ mỗi ca').first().isVisible()).toBe(true);
  await dialog.getByRole('button', { name: 'Thêm điểm' }).click();
  await expect.poll(() => dialog.isVisible(), slow).toBe(false);
  await expect.poll(() => page.getByRole('status').filter({ hasText: `Đã thêm điểm tiếp nhận «${name}».` }).isVisible(), slow).toBe(true);
}

/** From 01/12/2026 the point works one hour a morning at one record an hour: 1 place a day. */
async function lowerCapacity(page: Page, name: string) {
  await page.getByRole('button', { name: `Đổi công suất của ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Đổi công suất: ${name}` });
  await expect.poll(() => dialog.isVisible(), slow).toBe(true);
  // tomorrow by default; the campaign's first day here
  expect(await dialog.getByRole('textbox', { name: /^Áp dụng từ ngày/ }).inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
  await dialog.getByRole('textbox', { name: /^Áp dụng từ ngày/ }).fill('01/12/2026');
  await dialog.getByRole('textbox', { name: /^Số hồ sơ mỗi bộ máy một giờ/ }).fill('1');
  const afternoon = dialog.getByRole('checkbox', { name: 'Ca chiều' });
  if (await afternoon.isChecked()) await afternoon.uncheck();
  await dialog.getByRole('textbox', { name: 'Giờ bắt đầu ca sáng' }).fill('8h');
  await dialog.getByRole('textbox', { name: 'Giờ kết thúc ca sáng' }).fill('09:00');
  await dialog.getByRole('button', { name: 'Lưu công suất' }).click();
  await expect.poll(() => dialog.isVisible(), slow).toBe(false);
  await expect.poll(() => page.getByRole('status').filter({ hasText: `Đã đổi công suất của «${name}» từ ngày 01/12/2026.` }).isVisible(), slow).toBe(true);
}

const feasibility = (page: Page) => page.getByTestId('plan-feasibility');
const planIdOf = (page: Page) => /\/planning\/plans\/(\d+)/.exec(page.url())?.[1];

describe('campaign planning screens', () => {
  it('sets up two points and a campaign, plans it, follows the advice when it is short, moves and downloads, publishes', async () => {
    const eligible = Number(
      (await handle.db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).where('eligible', '=', true).executeTakeFirstOrThrow()).n,
    );
    expect(eligible).toBeGreaterThanOrEqual(4);

    const page = await signIn('pc06');
    await page.getByRole('link', { name: 'Kế hoạch cấp thẻ' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Kế hoạch cấp thẻ', level: 1 }).isVisible(), slow).toBe(true);
    // the province comes from the account's committee
    await expect.poll(() => page.getByTestId('planning-province').textContent(), slow).toBe('Lâm Đồng');

    // The form checks itself before anything is sent.
    await page.getByRole('button', { name: 'Thêm điểm tiếp nhận' }).click();
    const empty = page.getByRole('dialog', { name: 'Thêm điểm tiếp nhận' });
    await empty.getByRole('button', { name: 'Thêm điểm' }).click();
    await expect.poll(() => empty.getByText('Nhập tên điểm tiếp nhận.').isVisible(), slow).toBe(true);
    expect(await empty.getByText('Chọn xã, phường của điểm.').isVisible()).toBe(true);
    await empty.getByRole('button', { name: 'Hủy' }).click();
    await expect.poll(() => empty.isVisible(), slow).toBe(false);

    // 1. Two intake points, one per commune, one kit each (48 places a morning: enough).
    await addPoint(page, 'Công an xã Thử Một', 'Xã Thử Một', true);
    await addPoint(page, 'Công an phường Thử Hai', 'Phường Thử Hai', false);
    const pointsTable = page.getByRole('table', { name: 'Các điểm tiếp nhận' });
    const hai = pointsTable.getByRole('row').filter({ hasText: 'Công an phường Thử Hai' });
    await expect.poll(() => hai.textContent(), slow).toContain('Ca sáng 07:30–11:30 (48 chỗ)');
    expect(await hai.textContent()).toContain('Phường Thử Hai');
    expect(await hai.textContent()).toContain('Công an xã');
    expect(await hai.textContent()).toContain('T2–T6');
    expect(await hai.textContent()).not.toContain('Ca chiều');
    const stored = await handle.db.selectFrom('intake_points').select(['name', 'commune_code']).orderBy('id').execute();
    expect(stored).toEqual([
      { name: 'Công an xã Thử Một', commune_code: '90001' },
      { name: 'Công an phường Thử Hai', commune_code: '90002' },
    ]);

    // 2. A campaign of the province committee, one day long.
    await page.getByRole('tab', { name: 'Đợt cấp thẻ' }).click();
    await page.getByRole('button', { name: 'Tạo đợt cấp thẻ' }).click();
    const form = page.getByRole('dialog', { name: 'Tạo đợt cấp thẻ' });
    await expect.poll(() => form.isVisible(), slow).toBe(true);
    // the account's own committee is filled in
    await expect.poll(() => form.getByRole('button', { name: 'Đảng bộ: Đảng bộ tỉnh Lâm Đồng' }).isVisible(), slow).toBe(true);
    await form.getByRole('textbox', { name: /^Tên đợt/ }).fill('Đợt cấp thẻ tháng 12');
    await form.getByRole('textbox', { name: /^Ngày bắt đầu/ }).fill('01/12/2026');
    await form.getByRole('textbox', { name: /^Hạn hoàn thành/ }).fill('1/12/2026');
    await form.getByRole('button', { name: 'Tạo đợt' }).click();
    await expect.poll(() => form.isVisible(), slow).toBe(false);
    const campaigns = page.getByRole('table', { name: 'Các đợt cấp thẻ' });
    await expect.poll(() => campaigns.getByRole('row').filter({ hasText: 'Đợt cấp thẻ tháng 12' }).textContent(), slow).toContain('01/12/2026');

    // 3. Planned with enough capacity: the deadline is met.
    await page.getByRole('button', { name: 'Lập kế hoạch: Đợt cấp thẻ tháng 12' }).click();
    await expect.poll(() => feasibility(page).textContent(), slow).toBe('Kế hoạch đáp ứng hạn');
    const firstPlan = planIdOf(page);
    expect(firstPlan).toBeDefined();
    expect(await page.getByTestId('plan-finish').textContent()).toBe('Dự kiến xong ngày 01/12/2026; sớm nhất có thể: 01/12/2026.');
    expect(await page.getByText(`Đã xếp lịch ${eligible} đảng viên`).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Đề xuất để kịp hạn' }).count()).toBe(0);

    // The keyboard way to move an appointment: Chi bộ thôn Một to the afternoon of its day.
    const thonMot = await handle.db.selectFrom('appointments').select(['id', 'point_id', 'shift', 'members']).where('plan_id', '=', firstPlan!).where('cell_id', '=', units.cellA.id).executeTakeFirstOrThrow();
    expect(thonMot.shift).toBe('morning');
    await choose(page, page.locator('body'), /^Điểm tiếp nhận/, 'Công an xã Thử Một');
    const motCalendar = page.getByRole('table', { name: 'Lịch tiếp nhận tại Công an xã Thử Một (Xã Thử Một)' });
    await expect.poll(() => motCalendar.getByRole('button', { name: 'Chuyển lịch hẹn của Chi bộ thôn Một' }).isVisible(), slow).toBe(true);
    expect(thonMot.point_id).toBe((await handle.db.selectFrom('intake_points').select('id').where('name', '=', 'Công an xã Thử Một').executeTakeFirstOrThrow()).id);
    await motCalendar.getByRole('button', { name: 'Chuyển lịch hẹn của Chi bộ thôn Một' }).click();
    const moveDialog = page.getByRole('dialog', { name: 'Chuyển lịch hẹn: Chi bộ thôn Một' });
    await expect.poll(() => moveDialog.isVisible(), slow).toBe(true);
    await choose(page, moveDialog, /^Ca/, 'Ca chiều 13:30–17:00 · còn 42/42 chỗ');
    await moveDialog.getByRole('button', { name: 'Chuyển', exact: true }).click();
    await expect.poll(() => moveDialog.isVisible(), slow).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Đã chuyển lịch hẹn của Chi bộ thôn Một sang Ca chiều T3 01/12/2026 tại Công an xã Thử Một.' }).isVisible(), slow).toBe(true);
    expect(await motCalendar.locator('[data-slot="2026-12-01|afternoon"]').getByTestId('slot-load').textContent()).toContain(`Đã xếp ${thonMot.members} trên 42 chỗ`);
    expect(await motCalendar.locator('[data-slot="2026-12-01|afternoon"]').textContent()).toContain('Chi bộ thôn Một');
    expect((await handle.db.selectFrom('appointments').select('shift').where('id', '=', thonMot.id).executeTakeFirstOrThrow()).shift).toBe('afternoon');

    // 4. Both points lose capacity from the campaign's first day: 2 places for every eligible member.
    await page.getByRole('link', { name: '‹ Về danh sách đợt cấp thẻ' }).click();
    await page.getByRole('tab', { name: 'Điểm tiếp nhận' }).click();
    await lowerCapacity(page, 'Công an xã Thử Một');
    await lowerCapacity(page, 'Công an phường Thử Hai');
    await expect.poll(() => hai.textContent(), slow).toContain('Từ 01/12/2026: 1 bộ máy, Ca sáng 08:00–09:00');

    await page.getByRole('tab', { name: 'Đợt cấp thẻ' }).click();
    await page.getByRole('button', { name: 'Lập kế hoạch: Đợt cấp thẻ tháng 12' }).click();
    await expect.poll(() => feasibility(page).textContent(), slow).toBe('Không kịp hạn 01/12/2026');
    const shortPlan = planIdOf(page);
    expect(shortPlan).not.toBe(firstPlan);
    // what is missing, cell by cell, and what to add, in plain words
    const unplaced = page.getByRole('table', { name: 'Chi bộ chưa xếp được lịch' });
    await expect.poll(() => unplaced.getByRole('row').filter({ hasText: 'Chi bộ thôn Một' }).textContent(), slow).toContain('Không đủ chỗ trước hạn hoàn thành');
    const advice = page.getByTestId('plan-advice');
    await expect.poll(() => advice.textContent(), slow).toContain('Mở ca tối tại Công an xã Thử Một');
    expect(await advice.textContent()).toContain('Mở ca tối tại Công an phường Thử Hai');

    // 5. Apply the advice: the points get an evening shift and a new plan meets the deadline.
    await page.getByRole('button', { name: 'Áp dụng đề xuất' }).click();
    await expect.poll(() => feasibility(page).textContent(), slow).toBe('Kế hoạch đáp ứng hạn');
    const fixedPlan = planIdOf(page)!;
    expect(fixedPlan).not.toBe(shortPlan);
    expect(await page.getByRole('status').filter({ hasText: 'Đã áp dụng đề xuất và lập lại kế hoạch.' }).isVisible()).toBe(true);
    const appointments = await handle.db.selectFrom('appointments').select(['id', 'point_id', 'day', 'shift', 'members']).where('plan_id', '=', fixedPlan).execute();
    expect(appointments.reduce((n, a) => n + a.members, 0)).toBe(eligible);
    const evenings = await handle.db.selectFrom('intake_point_settings').select('shifts').where('effective_from', '=', '2026-12-01').execute();
    expect(evenings.map((s) => (s.shifts as { key: string }[]).map((x) => x.key))).toEqual([
      ['morning', 'evening'],
      ['morning', 'evening'],
    ]);

    // 6. The calendar of the point holding the biggest appointment: its load per shift, and a drag into the 1-place morning is refused.
    const biggest = [...appointments].sort((a, b) => b.members - a.members)[0]!;
    expect(biggest.members).toBeGreaterThanOrEqual(2);
    const pointName = (await handle.db.selectFrom('intake_points').select('name').where('id', '=', biggest.point_id).executeTakeFirstOrThrow()).name;
    await choose(page, page.locator('body'), /^Điểm tiếp nhận/, pointName);
    const calendar = page.getByRole('table', { name: new RegExp(`^Lịch tiếp nhận tại ${pointName}`) });
    await expect.poll(() => calendar.isVisible(), slow).toBe(true);
    const block = calendar.locator(`[data-appointment-id="${biggest.id}"]`);
    await expect.poll(() => block.textContent(), slow).toContain(`${biggest.members} người`);
    expect(await block.textContent()).toMatch(/Chi bộ (thôn Một|tổ dân phố Hai)/);
    const morning = calendar.locator('[data-slot="2026-12-01|morning"]');
    expect(await morning.getByTestId('slot-load').textContent()).toMatch(/Đã xếp \d trên 1 chỗ$/);
    expect(await calendar.locator(`[data-slot="2026-12-01|${biggest.shift}"]`).getByTestId('slot-load').textContent()).toMatch(/Đã xếp \d trên 3 chỗ$/);
    await block.dragTo(morning);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Ca này chỉ nhận được 1 người' }).isVisible(), slow).toBe(true);
    const unmoved = await handle.db.selectFrom('appointments').select('shift').where('id', '=', biggest.id).executeTakeFirstOrThrow();
    expect(unmoved.shift).toBe(biggest.shift);

    // 7. The point's schedule of the day, as a spreadsheet and as a PDF.
    const downloads = page.getByRole('region', { name: `Tải lịch tiếp nhận của ${pointName}` });
    const [xlsx] = await Promise.all([page.waitForEvent('download'), downloads.getByRole('link', { name: 'Tải lịch (Excel)' }).click()]);
    expect(xlsx.suggestedFilename()).toBe(`lich-tiep-nhan-${biggest.point_id}-2026-12-01.xlsx`);
    expect((await stat((await xlsx.path())!)).size).toBeGreaterThan(0);
    const [pdf] = await Promise.all([page.waitForEvent('download'), downloads.getByRole('link', { name: 'Tải lịch (PDF)' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const pdfBytes = await readFile((await pdf.path())!);
    expect(pdfBytes.length).toBeGreaterThan(0);
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');

    // 8. Publish: the cells' notices wait in the outbox.
    await page.getByRole('button', { name: 'Công bố kế hoạch' }).click();
    const confirm = page.getByRole('dialog', { name: 'Công bố kế hoạch' });
    await confirm.getByRole('button', { name: 'Công bố', exact: true }).click();
    await expect.poll(() => page.getByTestId('plan-status').textContent(), slow).toBe('Đã công bố');
    const notices = await handle.db.selectFrom('notice_outbox').select('id').where('plan_id', '=', fixedPlan).execute();
    expect(notices.length).toBe(appointments.length);
    expect(await page.getByRole('button', { name: 'Công bố kế hoạch' }).count()).toBe(0);
    // what was published is not moved any more
    expect(await block.getAttribute('draggable')).toBe('false');
    expect(await page.getByRole('button', { name: /^Chuyển lịch hẹn/ }).count()).toBe(0);

    // 9. The campaign's plans, newest first: the published one and the earlier drafts, each one a link.
    const plansOf = async () => {
      await page.getByRole('link', { name: '‹ Về danh sách đợt cấp thẻ' }).click();
      await page.getByRole('button', { name: 'Các kế hoạch của Đợt cấp thẻ tháng 12' }).click();
      return page.getByRole('table', { name: 'Các kế hoạch của đợt Đợt cấp thẻ tháng 12' });
    };
    const rowIds = (table: Locator) => table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-plan-id')));
    let plans = await plansOf();
    await expect.poll(() => rowIds(plans), slow).toEqual([fixedPlan, shortPlan, firstPlan]);
    expect(await plans.locator(`[data-plan-id="${fixedPlan}"]`).textContent()).toMatch(/Đã công bố.*Kịp hạn.*01\/12\/2026/);
    expect(await plans.locator(`[data-plan-id="${shortPlan}"]`).textContent()).toContain('Bản nhápKhông kịp hạn');
    await plans.getByRole('link', { name: /\(Đã công bố\)$/ }).click();
    await expect.poll(() => planIdOf(page), slow).toBe(fixedPlan);

    // 10. A cell did not come: its block of the published plan is marked missed, and a re-plan books it again.
    await expect.poll(() => page.getByTestId('plan-status').textContent(), slow).toBe('Đã công bố');
    await choose(page, page.locator('body'), /^Điểm tiếp nhận/, pointName);
    await expect.poll(() => block.isVisible(), slow).toBe(true);
    const cell = /Chi bộ (thôn Một|tổ dân phố Hai)/.exec((await block.textContent())!)![0];
    await block.getByRole('button', { name: `Chi bộ vắng mặt: ${cell}` }).click();
    const absent = page.getByRole('dialog', { name: 'Chi bộ vắng mặt' });
    await expect.poll(() => absent.isVisible(), slow).toBe(true);
    await absent.getByRole('button', { name: 'Ghi nhận vắng mặt' }).click();
    await expect.poll(() => block.getAttribute('data-missed'), slow).toBe('true');
    await expect.poll(() => absent.isVisible(), slow).toBe(false);
    expect(await block.getByTestId('appointment-missed').textContent()).toBe('Vắng mặt');
    expect(await page.getByRole('status').filter({ hasText: `Đã ghi nhận ${cell} vắng mặt. Bấm «Lập lại kế hoạch»` }).isVisible()).toBe(true);
    expect(await page.getByTestId('plan-missed').textContent()).toContain('1 lịch hẹn chi bộ vắng mặt');
    expect((await handle.db.selectFrom('appointments').select('missed').where('id', '=', biggest.id).executeTakeFirstOrThrow()).missed).toBe(true);
    await page.getByRole('button', { name: 'Lập lại kế hoạch' }).click();
    await expect.poll(() => page.getByTestId('plan-status').textContent(), slow).toBe('Bản nháp');
    const replanned = planIdOf(page)!;
    expect(replanned).not.toBe(fixedPlan);
    const rebooked = await handle.db.selectFrom('appointments').select('members').where('plan_id', '=', replanned).execute();
    expect(rebooked.reduce((n, a) => n + a.members, 0)).toBe(eligible);
    plans = await plansOf();
    await expect.poll(() => rowIds(plans), slow).toEqual([replanned, fixedPlan, shortPlan, firstPlan]);
    expect(await plans.locator(`[data-plan-id="${replanned}"]`).textContent()).toContain('Bản nháp');
    await page.context().close();
  });
});
