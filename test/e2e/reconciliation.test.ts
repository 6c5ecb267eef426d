import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { DatabaseHandle } from '../../src/platform/db.ts';
import { createTestDatabase } from '../database.ts';
import { seedTwoCommunes } from '../fixtures.ts';
import { startServer } from '../http.ts';
import { launchChromium, signIn as signInAs } from './support.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedTwoCommunes(handle);
  // The register as the police hold it, for the four eligible fixture members (official, with a card number).
  await handle.db
    .insertInto('population_register')
    .values([
      { personal_id: '068062001001', full_name: 'Nguyễn Văn An', date_of_birth: '1962-09-05', gender: 'male', hometown: null, permanent_address: null },
      // the tone on the other vowel (Hoà / Hòa) is the same name: no mismatch
      { personal_id: '068165001002', full_name: 'Trần Thị Hoà', date_of_birth: '1965-02-01', gender: 'female', hometown: null, permanent_address: null },
      // a real discrepancy: the party record says 10/10/1958
      { personal_id: '068058001004', full_name: 'Phạm Văn Bắc', date_of_birth: '1958-10-01', gender: 'male', hometown: null, permanent_address: null },
      { personal_id: '068172001005', full_name: 'Đặng Thị Thuỷ', date_of_birth: '1972-11-11', gender: 'female', hometown: null, permanent_address: null },
    ])
    .execute();
  server = await startServer(handle);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await handle?.close();
});

const signIn = (username: string) => signInAs(browser, server.base, username);

const intake = (within: Page | Locator) => within.getByTestId('intake-state');
// Patient polls: the e2e files run side by side, two browsers on two cores.
const slow = { timeout: 15_000 };
const run = { timeout: 60_000 };

describe('reconciliation screen', () => {
  it('runs the whole-list check, shows a mismatch side by side, records a reasoned decision that unblocks the member', async () => {
    const bac = await handle.db.selectFrom('members').select('id').where('personal_id', '=', '068058001004').executeTakeFirstOrThrow();
    const page = await signIn('quantri');
    await page.getByRole('link', { name: 'Đối chiếu dân cư' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Đối chiếu dân cư', level: 1 }).isVisible(), slow).toBe(true);

    // Rà soát toàn bộ: the run is followed until it is done
    await page.getByRole('button', { name: 'Rà soát toàn bộ' }).click();
    await expect.poll(() => page.getByTestId('run-progress').textContent(), run).toContain('Đã đối chiếu 4/4 đảng viên');
    await expect.poll(() => page.getByText('Đã xong', { exact: true }).isVisible(), run).toBe(true);
    expect(await page.getByRole('progressbar', { name: 'Tiến độ rà soát' }).getAttribute('aria-valuenow')).toBe('100');

    // The list (everything not matched) holds Phạm Văn Bắc alone: Hòa / Hoà is no mismatch.
    const results = page.getByRole('table', { name: 'Kết quả đối chiếu' });
    await expect.poll(() => results.getByRole('row').count(), slow).toBe(2);
    const row = results.getByRole('row').filter({ hasText: 'Phạm Văn Bắc' });
    expect(await row.textContent()).toContain('068058001004');
    expect(await row.textContent()).toContain('Ngày sinh');
    expect(await row.textContent()).toContain('Chưa xử lý');
    expect(await results.getByText('Trần Thị Hòa').count()).toBe(0);
    const hoa = await handle.db
      .selectFrom('reconciliation_results as rr')
      .innerJoin('members as m', 'm.id', 'rr.member_id')
      .select('rr.status')
      .where('m.personal_id', '=', '068165001002')
      .executeTakeFirstOrThrow();
    expect(hoa.status).toBe('matched');

    // Before any decision the member's own page says the intake is blocked.
    const record = await page.context().newPage();
    await record.goto(`${server.base}/members/${bac.id}`);
    await expect.poll(() => intake(record).textContent(), slow).toBe('Bị chặn xác nhận cấp thẻ');
    await record.close();

    // Side by side: party record beside the register, the differing digits marked.
    await row.getByRole('button', { name: 'Xem đối chiếu Phạm Văn Bắc' }).click();
    const drawer = page.getByRole('dialog', { name: 'Đối chiếu: Phạm Văn Bắc' });
    const sideBySide = drawer.getByRole('table', { name: 'So sánh hồ sơ đảng và CSDL dân cư của Phạm Văn Bắc' });
    await expect.poll(() => sideBySide.isVisible(), slow).toBe(true);
    const dateRow = sideBySide.getByRole('row').filter({ hasText: 'Ngày sinh' });
    expect(await dateRow.locator('td[data-side="party"]').innerText()).toBe('10/10/1958');
    expect(await dateRow.locator('td[data-side="population"]').innerText()).toBe('01/10/1958');
    expect(await dateRow.locator('td[data-side="party"] mark').allInnerTexts()).toEqual(['10']);
    expect(await dateRow.locator('td[data-side="population"] mark').allInnerTexts()).toEqual(['01']);
    expect(await dateRow.textContent()).toContain('Khác ngày sinh');
    expect(await dateRow.textContent()).toContain('Chặn cấp thẻ');
    expect(await intake(drawer).textContent()).toBe('Bị chặn xác nhận cấp thẻ');

    // Keep the party value: without a reason the form says so and nothing is recorded.
    await drawer.getByRole('button', { name: 'Xử lý sai lệch' }).click();
    const modal = page.getByRole('dialog', { name: 'Xử lý sai lệch: Phạm Văn Bắc' });
    await expect.poll(() => modal.isVisible(), slow).toBe(true);
    await modal.getByRole('radio', { name: 'Giữ giá trị hồ sơ đảng (ghi lý do)' }).check();
    await modal.getByRole('button', { name: 'Ghi quyết định' }).click();
    await expect.poll(() => modal.getByText('Nhập lý do.', { exact: true }).isVisible(), slow).toBe(true);
    const reason = modal.getByRole('textbox', { name: /^Lý do/ });
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    const undecided = await handle.db.selectFrom('reconciliation_results').select('decision').where('member_id', '=', bac.id).executeTakeFirstOrThrow();
    expect(undecided.decision).toBeNull();

    await reason.fill('Ngày sinh theo lý lịch đảng viên gốc khi vào Đảng');
    await modal.getByRole('button', { name: 'Ghi quyết định' }).click();
    await expect.poll(() => modal.isVisible(), slow).toBe(false);
    await expect.poll(() => drawer.getByText('Đã ghi quyết định.').isVisible(), slow).toBe(true);
    await expect.poll(() => intake(drawer).textContent(), slow).toBe('Không bị chặn');
    expect(await drawer.getByText('Lý do: Ngày sinh theo lý lịch đảng viên gốc khi vào Đảng').isVisible()).toBe(true);
    expect(await drawer.getByText(/^Người quyết định: Quản trị, lúc \d{2}\/\d{2}\/\d{4}/).isVisible()).toBe(true);
    const decided = await handle.db
      .selectFrom('reconciliation_results')
      .select(['decision', 'decision_reason'])
      .where('member_id', '=', bac.id)
      .executeTakeFirstOrThrow();
    expect(decided).toEqual({ decision: 'kept', decision_reason: 'Ngày sinh theo lý lịch đảng viên gốc khi vào Đảng' });

    // The member's page now lets the intake be confirmed, and the list no longer counts the case as open.
    await drawer.getByRole('link', { name: 'Mở hồ sơ đảng viên' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Phạm Văn Bắc', level: 1 }).isVisible(), slow).toBe(true);
    await expect.poll(() => intake(page).textContent(), slow).toBe('Không bị chặn');
    expect(await page.getByText('Giữ giá trị hồ sơ đảng', { exact: false }).first().isVisible()).toBe(true);
    await page.context().close();
  });
});
