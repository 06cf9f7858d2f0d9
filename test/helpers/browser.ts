import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Express } from 'express';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

/** The system Chromium (Debian's `chromium`); never a downloaded browser. */
export function findChromium(): string | null {
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * In a describe block: a real Chromium and the app listening on a free loopback port.
 * Without a system Chromium the browser tests are skipped, except under CI (CI=true), where
 * .ci/run installs it and its absence is a failure.
 */
export function useBrowser(getApp: () => Express): { browser: Browser; baseUrl: string } {
  const holder = {} as { browser: Browser; baseUrl: string };
  let server: Server | null = null;
  before(async function () {
    const executablePath = findChromium();
    if (!executablePath) {
      if (process.env.CI) throw new Error('No system Chromium found: install Debian\'s "chromium" package (.ci/run does).');
      console.warn('    (browser tests skipped: no system Chromium; `apt-get install chromium` to run them)');
      this.skip();
    }
    this.timeout(60_000);
    holder.browser = await chromium.launch({
      executablePath: executablePath!,
      headless: true,
      // The network here reaches only package registries; keep Chromium from trying anything else.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    server = await new Promise<Server>((resolve) => {
      const s = getApp().listen(0, '127.0.0.1', () => resolve(s));
    });
    holder.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await holder.browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  });
  return holder;
}

/**
 * A fresh browser context and page, with every console error and page error collected (a CSP
 * violation shows up there); `ignore` lists expected messages, such as a form's 422.
 */
export async function openPage(browser: Browser, ignore: RegExp[] = [], options: BrowserContextOptions = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !ignore.some((r) => r.test(m.text())) && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

/** Signs in through the real sign-in form. */
export async function signInThroughPage(page: Page, baseUrl: string, user: { handle: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Handle or email').fill(user.handle);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/`);
}
