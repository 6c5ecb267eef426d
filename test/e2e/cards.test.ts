import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsOptionsIn } from '../../src/server.ts';
import { submitDossier } from '../../src/intake/service.ts';
import type { DatabaseHandle } from '../../src/platform/db.ts';
import { cliActor } from '../../src/platform/scope.ts';
import { seedCounterDay } from '../counter-fixtures.ts';
import { createTestDatabase } from '../database.ts';
import { seedTwoCommunes } from '../fixtures.ts';
import { startServer, temporaryFileStore } from '../http.ts';
import { addIntakeStaff, DEVICE_STEPS, padSignature } from '../intake-fixtures.ts';
import { launchChromium, signIn } from './support.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let member: { id: string; fullName: string };
const dir = mkdtempSync(path.join(tmpdir(), 'doithe-cards-e2e-'));
const slow = { timeout: 20_000 };

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  await seedCounterDay(handle, units, 2);
  await addIntakeStaff(handle, units.communeB.id);
  const files = await temporaryFileStore();
  member = await handle.db.selectFrom('members').select(['id', 'full_name as fullName']).where('organisation_id', '=', units.cellB.id).where('eligible', '=', true).orderBy('id').executeTakeFirstOrThrow();
  // A dossier confirmed at the counter (that path has its own browser test), its photo passed by the server's check.
  const id = randomUUID();
  const photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  await submitDossier(handle.db, cliActor(), files, { id, memberId: member.id, data: {}, steps: DEVICE_STEPS }, { content: photo, mime: 'image/jpeg' }, { content: await padSignature(), mime: 'image/png' });
  await handle.db.updateTable('dossiers').set({ photo_check: JSON.stringify({ ok: true, issues: [], checkedAt: new Date().toISOString() }) }).where('id', '=', id).execute();
  server = await startServer(handle, { files, cards: await cardsOptionsIn(dir, 'both', undefined, 1) });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The verifier page reads the card's QR from the picture of the card's back, and answers. */
async function verifyFromImage(page: Page, image: string): Promise<string> {
  const warnings: string[] = [];
  page.on('console', (m) => warnings.push(m.text()));
  await page.goto(`${server.base}/verify`);
  await expect.poll(() => page.getByTestId('trust-age').isVisible(), slow).toBe(true);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Đọc mã QR từ ảnh' }).click()]);
  await chooser.setFiles(image);
  const verdict = page.getByTestId('verdict');
  const unreadable = page.getByText('Không tìm thấy mã QR trong ảnh này.');
  // The QR is decoded in the page (zxing, in JavaScript): slow on a loaded 2-core machine.
  await expect.poll(async () => (await verdict.isVisible()) || (await unreadable.isVisible()), { timeout: 60_000 }).toBe(true);
  expect(await unreadable.isVisible(), warnings.join('\n')).toBe(false);
  return (await verdict.textContent())!;
}

describe('from approval to a card that verifies, and stops verifying once revoked', () => {
  it('approves, sends, produces, prints the card, reads its QR on the verifier page, revokes it', async () => {
    const supervisor = await signIn(browser, server.base, 'giamsat.b');
    await supervisor.getByRole('link', { name: 'Duyệt hồ sơ' }).click();
    await supervisor.getByRole('button', { name: `Xem hồ sơ của ${member.fullName}` }).click();
    await supervisor.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await expect.poll(async () => (await handle.db.selectFrom('dossiers').select('state').executeTakeFirstOrThrow()).state, slow).toBe('ready_to_send');

    // The province sends; the centre (this same server, over HTTP) acknowledges.
    const page = await signIn(browser, server.base, 'quantri');
    await page.getByRole('link', { name: 'Thẻ đảng viên' }).click();
    await page.getByLabel('Mã tỉnh').fill('68');
    await page.getByRole('button', { name: 'Lập lô và gửi' }).click();
    const batches = page.getByRole('table', { name: 'Các lô đã gửi' });
    await expect.poll(() => batches.textContent(), slow).toContain('Trung ương đã nhận');
    expect(await batches.textContent()).toContain('Nhận 1, trùng 0');

    // The centre produces the card.
    await page.getByRole('button', { name: 'Sản xuất thẻ cho hồ sơ đã nhận' }).click();
    await expect.poll(() => page.getByText('Đã sản xuất 1 thẻ trong 1 lô in.').isVisible(), slow).toBe(true);
    const cards = page.getByRole('table', { name: 'Danh sách thẻ' });
    await expect.poll(() => cards.textContent(), slow).toContain(member.fullName);

    // The card as printed: the back page rendered as a phone photographs it (150 dpi: the QR's modules 4–5 pixels).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Tải thẻ (PDF) của ${member.fullName}` }).click()]);
    const pdf = path.join(dir, 'card.pdf');
    await download.saveAs(pdf);
    expect(execFileSync('pdfinfo', [pdf]).toString()).toMatch(/Pages:\s+2/);
    execFileSync('pdftoppm', ['-r', '150', '-f', '2', '-l', '2', '-png', '-singlefile', pdf, path.join(dir, 'back')]);
    const back = path.join(dir, 'back.png');
    // 85.6 mm at 150 dpi.
    expect(Math.abs((await sharp(back).metadata()).width - 506)).toBeLessThanOrEqual(1);

    const verifier = await browser.newPage();
    expect(await verifyFromImage(verifier, back)).toBe('HỢP LỆ');
    expect(await verifier.getByRole('status', { name: 'Kết quả kiểm tra' }).textContent()).toContain(member.fullName);

    // Lost: revoked with its reason; the verifier, with the new list, says so.
    await page.getByRole('button', { name: `Thu hồi thẻ của ${member.fullName}` }).click();
    await page.getByRole('button', { name: 'Thu hồi thẻ', exact: true }).click();
    await expect.poll(() => cards.textContent(), slow).toContain('Đã thu hồi');
    expect(await verifyFromImage(verifier, back)).toBe('ĐÃ THU HỒI');
  }, 240_000);
});
