// smoke.mjs: the gateway and the two sites answer, and chromium can show them
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, env, api } from './lib.mjs';

const browser = await launch();
after(() => browser.close());

test('the gateway routes /api/products to the catalog', async () => {
  const { status, data } = await api('GET', '/api/products?limit=1');
  assert.equal(status, 200);
  assert.ok(Array.isArray(data));
});

test('the storefront opens in chromium', async () => {
  const page = await newPage(browser);
  const res = await page.goto(env.store + '/');
  assert.equal(res.status(), 200);
});
