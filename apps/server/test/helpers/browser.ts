import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

/**
 * The Chrome or Chromium the browser tests drive: `PROJ_CHROMIUM` when set, else Debian's /usr/bin/chromium (which
 * `pnpm test:setup` installs). Throws, naming both, when neither exists: these tests fail, never skip.
 */
export function chromiumPath(): string {
  const given = process.env['PROJ_CHROMIUM'];
  const path = given !== undefined && given !== '' ? given : '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`no browser at ${path}: run pnpm test:setup (installs Debian's chromium) or set PROJ_CHROMIUM`);
  }
  return path;
}

/**
 * Flags of a headless Chromium on a machine without internet: no sandbox (these tests may run as root), no GPU, and
 * none of the background traffic that would only be refused (updates, sync, field trials).
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** A headless browser, and what its pages logged as errors. */
export interface TestBrowser {
  readonly browser: Browser;
  /** Console errors (CSP violations included) and uncaught errors of every page opened through `open`. */
  readonly errors: string[];
  /** A new context (its own cookies and cache) and page, with Basic credentials (what a person types at the prompt). */
  open(options?: {
    readonly httpCredentials?: { readonly username: string; readonly password: string };
  }): Promise<{ readonly context: BrowserContext; readonly page: Page }>;
  close(): Promise<void>;
}

/** Launches headless Chromium ({@link chromiumPath}); Playwright gives it a fresh temporary profile. */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS });
  const errors: string[] = [];
  return {
    browser,
    errors,
    async open(options = {}) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        ...(options.httpCredentials !== undefined ? { httpCredentials: options.httpCredentials } : {}),
      });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      return { context, page };
    },
    close: () => browser.close(),
  };
}
