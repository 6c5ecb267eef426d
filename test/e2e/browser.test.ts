import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { DatabaseHandle } from '../../src/platform/db.ts';
import { createTestDatabase } from '../database.ts';
import { PASSWORD, seedTwoCommunes } from '../fixtures.ts';
import { startServer } from '../http.ts';
import { launchChromium, newPage, submitLogin } from './support.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedTwoCommunes(handle);
  server = await startServer(handle);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await handle?.close();
});

async function signIn(username: string, password = PASSWORD): Promise<Page> {
  const page = await newPage(browser, { viewport: { width: 1366, height: 768 } });
  await submitLogin(page, server.base, username, password);
  return page;
}

async function search(page: Page, q: string, exact = false) {
  await page.getByRole('link', { name: 'Đảng viên', exact: true }).click();
  const exactSwitch = page.getByLabel('Đúng dấu');
  if ((await exactSwitch.isChecked()) !== exact) await exactSwitch.click({ force: true });
  const box = page.getByRole('searchbox', { name: 'Tìm kiếm đảng viên' }).or(page.getByLabel('Tìm kiếm đảng viên'));
  await box.first().fill(q);
  await box.first().press('Enter');
}

const table = (page: Page) => page.getByRole('table', { name: 'Danh sách đảng viên' });

describe('browser', () => {
  it('signs in, refusing a wrong password with a Vietnamese message', async () => {
    const page = await signIn('canbo.a', 'sai-mat-khau');
    await expect.poll(() => page.getByText('Tên đăng nhập hoặc mật khẩu không đúng.').isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Đăng xuất' }).isVisible()).toBe(true);
    // English on request, for the whole page including server messages.
    await page.getByRole('radiogroup', { name: 'Ngôn ngữ' }).getByText('English').click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto(`${server.base}/members/999999999`);
    await expect.poll(() => page.getByText('Member not found.').isVisible()).toBe(true);
    await page.close();
  });

  it('searches members with and without diacritics', async () => {
    const page = await signIn('quantri');
    await search(page, 'nguyen van an');
    await expect.poll(() => table(page).getByRole('row').count()).toBe(2);
    await expect.poll(() => table(page).getByText('Nguyễn Văn An').isVisible()).toBe(true);
    await search(page, 'Hoà', true);
    // The list shows everyone before the search answers: wait for the exact result itself.
    await expect.poll(() => table(page).getByRole('row').count()).toBe(2);
    await expect.poll(() => table(page).getByText('Trần Thị Hòa').isVisible()).toBe(true);
    expect(await table(page).getByText('Lê Thị Hoa').count()).toBe(0);
    await search(page, 'hoa', false);
    await expect.poll(() => table(page).getByRole('row').count()).toBe(3);
    await expect.poll(() => table(page).getByText('Lê Thị Hoa').isVisible()).toBe(true);
    await expect.poll(() => table(page).getByText('Trần Thị Hòa').isVisible()).toBe(true);
    await page.close();
  });

  it('imports a messy list: shows the rejected row with its reason, skips it, commits the rest', async () => {
    const file = path.join(tmpdir(), `ds-${process.pid}.csv`);
    writeFileSync(
      file,
      '\ufeffDANH SÁCH ĐẢNG VIÊN;;;;\n' +
        'Họ và tên;Số CCCD;Ngày sinh;Giới tính;Chi bộ\n' +
        '<img src=x onerror=alert(1)> Văn Thử;068071001777;07/07/1971;Nam;Chi bộ thôn Một\n' +
        'Vũ Thị Sai;068172001778;31/02/1972;Nữ;Chi bộ thôn Một\n',
    );
    const page = await signIn('canbo.a');
    await page.getByRole('link', { name: 'Nhập danh sách' }).click();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: 'Kiểm tra tệp' }).click();
    await expect.poll(() => page.getByText('Ngày không có thật.').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByText('Dòng 4', { exact: true }).first().isVisible()).toBe(true);
    await page.getByLabel('Bỏ qua dòng 4').check({ force: true });
    await page.getByRole('button', { name: 'Ghi vào danh sách' }).click();
    await expect.poll(() => page.getByText('Đã ghi 1 trong tổng số 2 dòng.').isVisible(), { timeout: 20_000 }).toBe(true);
    await search(page, '068071001777');
    await expect.poll(() => table(page).getByText('<img Src=x Onerror=alert(1)> Văn Thử').isVisible()).toBe(true);
    await page.close();
  });

  it('an officer of one commune cannot see another commune’s member, in the UI or the API', async () => {
    const foreign = await handle.db.selectFrom('members').select('id').where('personal_id', '=', '068058001004').executeTakeFirstOrThrow();
    const page = await signIn('canbo.a');
    await search(page, '068058001004');
    await expect.poll(() => page.getByText(/Không tìm thấy đảng viên nào/).isVisible()).toBe(true);
    await page.goto(`${server.base}/members/${foreign.id}`);
    await expect.poll(() => page.getByText('Không tìm thấy đảng viên.').isVisible()).toBe(true);
    expect(await page.getByText('Phạm Văn Bắc').count()).toBe(0);
    const api = await page.request.get(`${server.base}/api/members/${foreign.id}`);
    expect(api.status()).toBe(404);
    await page.close();
  });
});
