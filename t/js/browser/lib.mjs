// lib.mjs: what the browser tests share. Debian's chromium (never a downloaded
// one) driven by playwright-core, headless; axe-core injected for the
// accessibility audit; screenshots under $SHOP_SCREENSHOTS; the shop's APIs
// through the gateway for setup, and mailpit's API for the mail.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const env = {
  store: process.env.SHOP_STORE_URL,
  admin: process.env.SHOP_ADMIN_URL,
  gateway: process.env.SHOP_GATEWAY_URL,
  mailpit: process.env.SHOP_MAILPIT_URL,
  adminEmail: process.env.SHOP_ADMIN_EMAIL,
  adminPassword: process.env.SHOP_ADMIN_PASSWORD,
  screenshots: process.env.SHOP_SCREENSHOTS,
};

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

// a page in a context of its own (its own cookies and localStorage); the page's
// uncaught errors and failed same-origin requests are collected in page.problems
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('response', (res) => {
    const type = res.request().resourceType();
    if (res.status() >= 400 && ['document', 'script', 'stylesheet', 'image', 'font'].includes(type))
      page.problems.push(`${res.status()} ${type} ${res.url()}`);
  });
  return page;
}

// no uncaught error and no failed page, script, style, image or font so far
export function assertNoProblems(page, allowed = []) {
  const left = page.problems.filter((p) => !allowed.some((a) => p.includes(a)));
  assert.deepEqual(left, [], 'the page had problems');
}

// every <img> the page shows has loaded (a broken image has naturalWidth 0); lazy
// images below the fold are not asked for yet, so they are left out
export async function assertImagesLoaded(page) {
  const shown = () => [...document.images]
    .filter((i) => i.loading !== 'lazy' || i.getBoundingClientRect().top < innerHeight);
  await page.waitForFunction(`(${shown})().every((i) => i.complete)`, null, { timeout: 15000 })
    .catch(() => {});
  const broken = await page.evaluate(`(${shown})()
    .filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src)`);
  assert.deepEqual(broken, [], 'broken images');
}

// axe-core's serious and critical violations on the page as it is now
export async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object')))
    await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

export async function assertAccessible(page, label) {
  assert.deepEqual(await audit(page), [], `accessibility of ${label}`);
}

// saves var/screenshots/NAME.png (a test artifact to look at)
export async function screenshot(page, name) {
  mkdirSync(env.screenshots, { recursive: true });
  await page.screenshot({ path: `${env.screenshots}/${name}.png`, fullPage: false });
}

// the shop's APIs through the gateway: api('POST', '/api/products', {token, json})
export async function api(method, path, { token, json, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (json !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(env.gateway + path, {
    method, headers: h, body: json !== undefined ? JSON.stringify(json) : body,
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  return { status: res.status, data };
}

export async function adminToken() {
  const { status, data } = await api('POST', '/api/auth/sign-in',
    { json: { email: env.adminEmail, password: env.adminPassword } });
  assert.equal(status, 200, 'the admin signs in through the gateway');
  return data.token;
}

// a tag unique to this run, for names and addresses
export function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// waits up to `seconds` for fn() to return something truthy, and returns it
export async function eventually(fn, seconds = 30) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// the messages mailpit holds for an address: [{ID, Subject, ...}]
export async function mailsTo(address) {
  const res = await fetch(`${env.mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
  if (!res.ok) return [];
  return (await res.json()).messages || [];
}
