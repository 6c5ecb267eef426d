import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD } from '../fixtures.ts';

/** Debian's Chromium, with the flags it needs as root and without reaching out to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page in a context of its own (a second tab shares its session), Vietnamese, failing on any unexpected dialog. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', ...options });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  return page;
}

/** Fills and sends the login form, whatever the answer. */
export async function submitLogin(page: Page, base: string, username: string, password = PASSWORD): Promise<void> {
  await page.goto(base);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** Signed in: the sign-out button is there. */
export async function signIn(browser: Browser, base: string, username: string, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await newPage(browser, options);
  await submitLogin(page, base, username);
  await expect.poll(() => page.getByRole('button', { name: 'Đăng xuất' }).isVisible(), { timeout: 15_000 }).toBe(true);
  return page;
}
