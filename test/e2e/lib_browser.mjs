// Shared by the browser tests: launches Debian's chromium through
// playwright-core with a fresh profile, and small check helpers that
// count and report like lib.sh.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const artifacts = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
mkdirSync(artifacts, { recursive: true });
let checks = 0;

// One browser per user: a fresh profile each (its own cookie jar).
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'sbchrome.'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
    timeout: 30000,
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  return { ctx, page, close: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); } };
}

export function check(what, cond) {
  if (!cond) { console.error('FAIL: ' + what); process.exit(1); }
  checks++;
  console.log('ok   ' + what);
}

export function done() { console.log(checks + ' passed, 0 failed'); }

export async function login(page, base, user, pw) {
  await page.goto(base + '/index.html');
  await page.fill('#username', user);
  await page.fill('#password', pw);
  await page.press('#password', 'Enter');
}
