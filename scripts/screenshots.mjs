// scripts/screenshots.mjs: the README's pictures of the two sites
// (docs/screenshots/store.png and admin.png), taken in Debian's chromium from the
// shop that `make run` started: the storefront's home page, and the dashboard's
// overview after signing in as the admin. Run by scripts/screenshots.
import { createRequire } from 'node:module';

const top = new URL('..', import.meta.url).pathname;
const { chromium } = createRequire(`${top}t/js/package.json`)('playwright-core');
const [store, admin, email, password] = process.argv.slice(2);
const out = `${top}docs/screenshots`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  // half the pixels of a 1280x800 window: small files that still read well
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 0.5 });
  const page = await context.newPage();
  await page.goto(`${store}/`, { waitUntil: 'networkidle' });
  await page.screenshot({ path: `${out}/store.png` });

  await page.goto(`${admin}/`, { waitUntil: 'networkidle' });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);                  // the chart's animation
  await page.screenshot({ path: `${out}/admin.png` });
} finally {
  await browser.close();
}
