import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate, todayInVietnam } from '../../src/common/dates.ts';
import { submitDossier } from '../../src/intake/service.ts';
import type { DatabaseHandle } from '../../src/platform/db.ts';
import type { FileStore } from '../../src/platform/files.ts';
import { cliActor } from '../../src/platform/scope.ts';
import { dayNumber, isoFromDayNumber } from '../../src/scheduling/domain/slots.ts';
import { seedCounterDay } from '../counter-fixtures.ts';
import { createTestDatabase } from '../database.ts';
import { seedTwoCommunes } from '../fixtures.ts';
import { startServer, temporaryFileStore } from '../http.ts';
import { DEVICE_STEPS, padSignature } from '../intake-fixtures.ts';
import { launchChromium, signIn } from './support.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let files: FileStore;
let photo: Buffer;
let signature: Buffer;
let cellB: { id: string; fullName: string }[];
const dir = mkdtempSync(path.join(tmpdir(), 'doithe-progress-e2e-'));
const today = todayInVietnam();
const slow = { timeout: 15_000 };

async function take(memberId: string, daysAgo = 0) {
  const id = randomUUID();
  await submitDossier(handle.db, cliActor(), files, { id, memberId, data: {}, steps: DEVICE_STEPS }, { content: photo, mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });
  if (daysAgo > 0) await sql`UPDATE dossiers SET received_at = received_at - make_interval(days => ${daysAgo}) WHERE id = ${id}`.execute(handle.db);
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  await seedCounterDay(handle, units, 8);
  await handle.db.updateTable('campaigns').set({ start_date: isoFromDayNumber(dayNumber(today)! - 5), deadline: isoFromDayNumber(dayNumber(today)! + 10) }).execute();
  files = await temporaryFileStore();
  photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  signature = await padSignature();
  cellB = await handle.db.selectFrom('members').select(['id', 'full_name as fullName']).where('organisation_id', '=', units.cellB.id).where('eligible', '=', true).orderBy('id').execute();
  for (const [i, m] of cellB.slice(0, 3).entries()) await take(m.id, 3 - i);
  server = await startServer(handle);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('progress dashboard', () => {
  it('shows a new dossier without reloading, drills down to the cell and who has not come, and downloads the daily report', async () => {
    const page = await signIn(browser, server.base, 'canbo.b');
    await page.getByRole('link', { name: 'Tiến độ' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), slow).toBe('Tiến độ đổi thẻ: Đảng bộ phường Thử Hai');
    const taken = page.getByTestId('figure-Đã thu nhận');
    await expect.poll(() => taken.textContent(), slow).toBe('3 30,0%');
    await expect.poll(() => page.getByTestId('forecast').textContent(), slow).toContain(`hạn ${formatDate(isoFromDayNumber(dayNumber(today)! + 10))}`);

    // A dossier taken at a counter now: the open page shows it within seconds, with no reload.
    await take(cellB[3]!.id);
    await expect.poll(() => taken.textContent(), slow).toBe('4 40,0%');

    // Down to the cell: its figures, and the members still to call, with the cell's booked day.
    await page.getByRole('button', { name: 'Xem tiến độ của Chi bộ tổ dân phố Hai' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), slow).toBe('Tiến độ đổi thẻ: Chi bộ tổ dân phố Hai');
    const waiting = page.getByRole('table', { name: 'Đảng viên chưa đến làm hồ sơ' });
    await expect.poll(() => waiting.getByRole('row').count(), slow).toBe(1 + cellB.length - 4);
    await expect.poll(() => waiting.textContent(), slow).toContain(cellB[4]!.fullName);
    expect(await waiting.textContent()).not.toContain(cellB[0]!.fullName);
    expect(await waiting.textContent()).toContain(`${formatDate(today)}, Ca sáng, Điểm tiếp nhận Công an phường Thử Hai`);

    // Today's report of the cell, as the secretary sends it up: rendered to an image, its header read back.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải báo cáo hôm nay (PDF)' }).click()]);
    expect(download.suggestedFilename()).toBe(`bao-cao-tien-do-${today}.pdf`);
    const pdf = path.join(dir, 'report.pdf');
    await download.saveAs(pdf);
    execFileSync('pdftoppm', ['-png', '-r', '300', '-f', '1', '-l', '1', pdf, path.join(dir, 'page')]);
    const png = readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
    const seen = execFileSync('tesseract', [path.join(dir, png), '-', '-l', 'vie'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(seen).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(seen).toContain('BÁO CÁO TIẾN ĐỘ ĐỔI THẺ ĐẢNG VIÊN');
    expect(seen).toContain(`Ngày ${formatDate(today)}`);
    expect(seen).toContain('CHI BỘ TỔ DÂN PHỐ HAI');
  });
});
