import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/platform/db.ts';
import { encryptedFileStore } from '../../src/platform/files.ts';
import { cliActor } from '../../src/platform/scope.ts';
import { addUser } from '../../src/users/service.ts';
import { seedCounterDay } from '../counter-fixtures.ts';
import { createTestDatabase } from '../database.ts';
import { facePortrait } from '../face-fixtures.ts';
import { PASSWORD, seedTwoCommunes } from '../fixtures.ts';
import { startServer } from '../http.ts';
import { faceCameraFile, qrCameraFile } from './fake-camera.ts';
import { signIn } from './support.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let seeded: Awaited<ReturnType<typeof seedCounterDay>>;
const browsers: Browser[] = [];
let dir: string;

const slow = { timeout: 20_000 };
const MEMBERS = 22;

/** Debian's Chromium with a fake camera: its test pattern (no face), or a video file of a face. */
async function chromiumWithCamera(videoFile?: string): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...(videoFile ? [`--use-file-for-fake-video-capture=${videoFile}`] : []),
    ],
  });
  browsers.push(browser);
  return browser;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  seeded = await seedCounterDay(handle, units, MEMBERS);
  await addUser(handle.db, cliActor(), { username: 'congan.b', fullName: 'Công an phường Hai', password: PASSWORD, role: 'intake_officer', organisationId: units.communeB.id });
  await addUser(handle.db, cliActor(), { username: 'giamsat.b', fullName: 'Giám sát phường Hai', password: PASSWORD, role: 'supervisor', organisationId: units.communeB.id });
  dir = mkdtempSync(path.join(tmpdir(), 'doithe-counter-'));
  server = await startServer(handle, { files: await encryptedFileStore(path.join(dir, 'files'), path.join(dir, 'files.key')) });
});
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.close();
  await handle?.close();
});

const contextOptions = { timezoneId: 'Asia/Ho_Chi_Minh', permissions: ['camera'] };

async function openCounter(browser: Browser): Promise<Page> {
  const page = await signIn(browser, server.base, 'congan.b', contextOptions);
  await page.getByRole('link', { name: 'Quầy tiếp nhận' }).click();
  await page.getByRole('combobox', { name: /^Nơi làm việc/ }).click();
  await page.getByRole('option', { name: 'Điểm tiếp nhận Công an phường Thử Hai' }).click();
  await page.getByRole('button', { name: 'Tải danh sách hôm nay' }).click();
  await expect.poll(() => page.getByText(`${MEMBERS + 2} đảng viên.`).isVisible(), slow).toBe(true);
  // The photo check's model is loaded before the first member.
  await expect.poll(() => page.getByText('Đang nạp bộ kiểm tra ảnh…').isVisible(), slow).toBe(false);
  return page;
}

/** One stroke across the signature box: what a member's pen does. */
async function sign(page: Page) {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + 100);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 30 + i * 25, box.y + 100 + (i % 2 ? -40 : 40), { steps: 2 });
  await page.mouse.up();
}

const dossiersOf = (memberIds: string[]) => handle.db.selectFrom('dossiers').select(['id', 'member_id', 'state', 'device_submitted_at', 'received_at']).where('member_id', 'in', memberIds).execute();
const memberIdOf = async (personalId: string) => (await handle.db.selectFrom('members').select('id').where('personal_id', '=', personalId).executeTakeFirstOrThrow()).id;

describe('the intake counter', () => {
  it('takes a member from the QR scan to a confirmed dossier in at most 6 interactions, and a supervisor approves it', async () => {
    const browser = await chromiumWithCamera();
    const page = await openCounter(browser);
    const member = seeded.members[0]!;
    let interactions = 0;

    // 1. The scanner types the card's QR text and Enter.
    const [d, m, y] = member.dob.split('/');
    await page.getByRole('textbox', { name: /^Quét mã QR/ }).focus();
    await page.keyboard.type(`${member.personalId}||${member.name.toUpperCase()}|${d}${m}${y}|${member.female ? 'Nữ' : 'Nam'}|Phường Thử Hai, Lâm Đồng|01012022\n`);
    interactions++;
    const panel = page.getByRole('region', { name: `Hồ sơ của ${member.name}` });
    await expect.poll(() => panel.isVisible(), slow).toBe(true);
    expect(await panel.getByText('Đã quét CCCD').isVisible()).toBe(true);
    expect(await panel.getByText('Khớp với CSDL dân cư và thẻ căn cước.').isVisible()).toBe(true);

    // 2. The fake camera shows a test pattern: no face, refused with the reason.
    await panel.getByRole('button', { name: 'Chụp ảnh' }).click();
    interactions++;
    await expect.poll(() => panel.getByRole('alert').filter({ hasText: 'Ảnh chưa đạt' }).isVisible(), slow).toBe(true);
    expect(await panel.getByRole('alert').textContent()).toMatch(/khuôn mặt/i);

    // 3. The fallback: a portrait uploaded from a file passes the same check.
    const portrait = path.join(dir, 'chan-dung.jpg');
    writeFileSync(portrait, await facePortrait());
    const chooser = page.waitForEvent('filechooser');
    await panel.getByRole('button', { name: 'Tải ảnh từ tệp' }).click();
    await (await chooser).setFiles(portrait);
    interactions++;
    await expect.poll(() => panel.getByRole('img', { name: 'Ảnh đã chụp' }).isVisible(), slow).toBe(true);

    // 4. The member signs; 5. the officer confirms.
    await sign(page);
    interactions++;
    await panel.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    interactions++;
    expect(interactions).toBeLessThanOrEqual(6);
    await expect.poll(() => page.getByText(`Đã xác nhận hồ sơ của ${member.name}.`).isVisible(), slow).toBe(true);
    await expect.poll(() => page.getByText('Máy chủ đã nhận 1 hồ sơ').isVisible(), slow).toBe(true);

    const id = await memberIdOf(member.personalId);
    const [dossier] = await dossiersOf([id]);
    expect(dossier).toMatchObject({ state: 'confirmed' });
    expect(dossier!.device_submitted_at).not.toBeNull();

    // The supervisor approves it from the queue.
    const supervisor = await signIn(browser, server.base, 'giamsat.b', contextOptions);
    await supervisor.getByRole('link', { name: 'Duyệt hồ sơ' }).click();
    await supervisor.getByRole('button', { name: `Xem hồ sơ của ${member.name}` }).click();
    await supervisor.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await expect.poll(async () => (await dossiersOf([id]))[0]!.state, slow).toBe('ready_to_send');
  }, 120_000);

  it('keeps working offline for 20 members, across a reload with no line, keeps the outbox encrypted, and lands each dossier exactly once when the line returns', async () => {
    const browser = await chromiumWithCamera(await faceCameraFile(dir));
    const page = await openCounter(browser);
    const members = seeded.members.slice(1, 21);
    // Installed: the service worker holds the app and the photo check's model before the line drops, and the officer's
    // offline unlock is kept.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
    await expect.poll(() => page.getByText('Sẵn sàng làm việc ngoại tuyến').isVisible(), slow).toBe(true);
    await page.context().setOffline(true);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Mất kết nối' }).isVisible(), slow).toBe(true);

    for (const [index, member] of members.entries()) {
      if (index === 10) {
        // The page is reloaded with no line (a crash, a restart): the officer's password opens the device's work again.
        await page.reload();
        await expect.poll(() => page.getByRole('heading', { name: 'Mất kết nối máy chủ' }).isVisible(), slow).toBe(true);
        await page.getByLabel('Mật khẩu').fill('khong-phai-mat-khau');
        await page.getByRole('button', { name: 'Làm việc ngoại tuyến' }).click();
        await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Mật khẩu không đúng.' }).isVisible(), slow).toBe(true);
        await page.getByLabel('Mật khẩu').fill(PASSWORD);
        await page.getByRole('button', { name: 'Làm việc ngoại tuyến' }).click();
        await expect.poll(() => page.getByTestId('outbox-count').textContent(), slow).toBe('10 hồ sơ chờ gửi');
        await expect.poll(() => page.getByText(`${MEMBERS + 2} đảng viên.`).isVisible(), slow).toBe(true);
        await expect.poll(() => page.getByText('Đang nạp bộ kiểm tra ảnh…').isVisible(), slow).toBe(false);
      }
      await page.getByRole('textbox', { name: /^Quét mã QR/ }).fill(`${member.personalId}`);
      await page.keyboard.press('Enter');
      const panel = page.getByRole('region', { name: `Hồ sơ của ${member.name}` });
      await expect.poll(() => panel.isVisible(), slow).toBe(true);
      await panel.getByRole('button', { name: 'Chụp ảnh' }).click();
      await expect.poll(() => panel.getByRole('img', { name: 'Ảnh đã chụp' }).isVisible(), slow).toBe(true);
      await sign(page);
      // Keyboard-first: Ctrl+Enter confirms.
      await page.keyboard.press('Control+Enter');
      await expect.poll(() => page.getByTestId('outbox-count').textContent(), slow).toBe(`${index + 1} hồ sơ chờ gửi`);
    }
    // Nothing reached the server; the device holds ciphertext only: no name, no ID in what IndexedDB stores.
    const ids = await Promise.all(members.map((m) => memberIdOf(m.personalId)));
    expect(await dossiersOf(ids)).toEqual([]);
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('doithe-counter');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const read = (store: string) =>
        new Promise<unknown[]>((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
        });
      // A Blob would be kept in clear by the browser (and Object.values would not see into it): it must not be there.
      const text = (value: unknown): string =>
        value instanceof Blob ? 'BLOB' : value instanceof ArrayBuffer ? new TextDecoder('utf-8', { fatal: false }).decode(value) : value instanceof Uint8Array ? text(value.buffer) : value && typeof value === 'object' ? Object.values(value).map(text).join('\n') : String(value);
      return { outbox: (await read('outbox')).length, text: text(await read('outbox')) + text(await read('day')), unlock: text(await read('unlock')) };
    });
    // The offline unlock names the officer (to ask for the right password) and keeps the rest sealed.
    expect(stored.unlock).toContain('congan.b');
    expect(stored.unlock).not.toContain('Công an phường Hai');
    expect(stored.outbox).toBe(20);
    expect(stored.text).not.toContain('BLOB');
    for (const m of members) {
      expect(stored.text).not.toContain(m.personalId);
      expect(stored.text).not.toContain(m.name);
    }

    await page.context().setOffline(false);
    await expect.poll(() => page.getByTestId('outbox-count').textContent(), { timeout: 60_000 }).toBe('0 hồ sơ chờ gửi');
    await expect.poll(() => page.getByText('Máy chủ đã nhận 20 hồ sơ').isVisible(), slow).toBe(true);
    const landed = await dossiersOf(ids);
    expect(landed).toHaveLength(20);
    expect(new Set(landed.map((d) => d.member_id)).size).toBe(20);
    // The device's clock is kept beside the server's: confirmed while offline, received after.
    for (const d of landed) expect(d.device_submitted_at!.getTime()).toBeLessThanOrEqual(d.received_at.getTime());

    // Signing out ends offline work on this device.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    const unlocks = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const request = indexedDB.open('doithe-counter');
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              const count = request.result.transaction('unlock').objectStore('unlock').count();
              count.onsuccess = () => resolve(count.result);
            };
          }),
      );
    await expect.poll(unlocks, slow).toBe(0);
  }, 240_000);

  it('reads the chip ID card’s QR code with the webcam when there is no scanner', async () => {
    const member = seeded.members[21]!;
    const [d, m, y] = member.dob.split('/');
    const browser = await chromiumWithCamera(await qrCameraFile(dir, `${member.personalId}||${member.name}|${d}${m}${y}|${member.female ? 'Nữ' : 'Nam'}|Phường Thử Hai, Lâm Đồng|01012022`));
    const page = await openCounter(browser);
    await page.getByRole('button', { name: 'Quét QR bằng camera' }).click();
    const panel = page.getByRole('region', { name: `Hồ sơ của ${member.name}` });
    await expect.poll(() => panel.isVisible(), slow).toBe(true);
    expect(await panel.getByText('Đã quét CCCD').isVisible()).toBe(true);
    expect(await panel.getByText('Khớp với CSDL dân cư và thẻ căn cước.').isVisible()).toBe(true);
  }, 120_000);
});
