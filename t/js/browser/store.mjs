// store.mjs: the storefront (htdocs/store) as a customer uses it. Setup through
// the API as admin: a category and two products with a PNG per color. Then, in
// chromium, one customer: sign-up, category and search in the URL (and Back),
// the product page's color and size, the cart across a reload, the shipping
// form's checks, the test provider's payment, the return page, My orders, the
// confirmation mail; then the not-found page, axe on every page at PHONE and
// DESKTOP, screenshots, and the home page's timings and layout shift.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import {
  launch, newPage, env, api, adminToken, unique, eventually, mailsTo, screenshot,
  assertNoProblems, assertImagesLoaded, assertAccessible, PHONE, DESKTOP,
} from './lib.mjs';

const browser = await launch();
after(() => browser.close());

// ---- a solid-color PNG, made here (zlib for IDAT, a CRC-32 table) ----------
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png([r, g, b], size = 96) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);                  // 8 bits, RGB
  const row = Buffer.from([0, ...Array(size).fill([r, g, b]).flat()]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array(size).fill(row)))), chunk('IEND', Buffer.alloc(0))]);
}
const RGB = { red: [200, 40, 40], blue: [40, 70, 200], green: [30, 150, 80], yellow: [240, 200, 40] };

// ---- what the steps share ---------------------------------------------------
const tag = unique('st');
const customer = { email: `${tag}@example.com`, username: tag, firstName: 'Ada', lastName: 'Lovelace', password: 'analytical-engine' };
const products = {};                            // a, b: the catalog's answers
let category;
let page;
let sessionId;
const money = (n) => `$${n.toFixed(2)}`;
const store = (path) => env.store + path;

async function createProduct(token, name, price, colors, sizes) {
  const images = {};
  for (const c of colors) {
    const up = await api('POST', '/api/uploads', { token, body: png(RGB[c]), headers: { 'Content-Type': 'image/png' } });
    assert.ok(up.status === 200 || up.status === 201, `upload ${c}: ${up.status}`);
    images[c] = up.data.url;
  }
  const res = await api('POST', '/api/products', { token, json: {
    name, shortDescription: `A ${colors.join(' or ')} piece`, description: `${name}, made to last.`,
    price, categorySlug: category.slug, sizes, colors, images,
  } });
  assert.equal(res.status, 201, JSON.stringify(res.data));
  return res.data;
}

// the product's image for a color: the URL as the API gives it, the path in the database
const imagePath = (product, color) => new URL(product.images[color], env.store).pathname;
const shownImage = async () => new URL(await page.locator('#product-image').getAttribute('src'), env.store).pathname;

test('setup: a category and two products with an image per color', async () => {
  const token = await adminToken();
  const res = await api('POST', '/api/categories', { token, json: { name: `Knits ${tag}`, slug: tag.toLowerCase() } });
  assert.equal(res.status, 201, JSON.stringify(res.data));
  category = res.data;
  products.a = await createProduct(token, `Alpha tee ${tag}`, 25.5, ['red', 'blue'], ['s', 'm', 'l']);
  products.b = await createProduct(token, `Bravo hoodie ${tag}`, 40, ['green', 'yellow'], ['m', 'l']);
});

test('the home page shows the newest products, on a desktop and a phone', async () => {
  page = await newPage(browser, DESKTOP);
  await page.goto(store('/'));
  await page.getByRole('link', { name: new RegExp(products.b.name) }).waitFor();
  await page.getByRole('link', { name: `Knits ${tag}` }).waitFor();
  await assertImagesLoaded(page);
  await screenshot(page, 'store-home');
  await page.setViewportSize(PHONE);
  await assertImagesLoaded(page);
  await screenshot(page, 'store-home-phone');
  await page.setViewportSize(DESKTOP);
});

test('a customer signs up in the UI and the header says so', async () => {
  await page.getByRole('link', { name: 'Create account' }).click();
  await page.getByLabel('Email').fill(customer.email);
  await page.getByLabel('Username').fill(customer.username);
  await page.getByLabel('First name').fill(customer.firstName);
  await page.getByLabel('Last name').fill(customer.lastName);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(store('/'));
  await page.getByText('Signed in as Ada').waitFor();
});

test('category and search are kept in the URL, and Back shows the previous list', async () => {
  await page.goto(store('/products.html'));
  await page.getByLabel('Category').selectOption(category.slug);
  await page.waitForURL((u) => u.searchParams.get('category') === category.slug);
  const list = page.getByRole('list', { name: 'Products' });
  await list.getByRole('link', { name: new RegExp(products.a.name) }).waitFor();
  await list.getByRole('link', { name: new RegExp(products.b.name) }).waitFor();

  await page.getByRole('searchbox', { name: 'Search' }).fill(products.a.name);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL((u) => u.searchParams.get('search') === products.a.name
                               && u.searchParams.get('category') === category.slug);
  await list.getByRole('link', { name: new RegExp(products.b.name) }).waitFor({ state: 'detached' });
  await list.getByRole('link', { name: new RegExp(products.a.name) }).waitFor();
  assert.equal(await list.getByRole('link').count(), 1, 'only the product searched for');

  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has('search') && u.searchParams.get('category') === category.slug);
  await list.getByRole('link', { name: new RegExp(products.b.name) }).waitFor();
  assert.equal(await list.getByRole('link').count(), 2, 'the category list again');
  assert.equal(await page.getByRole('searchbox', { name: 'Search' }).inputValue(), '');
});

test('the product page: choosing a color switches the image; size and add to cart', async () => {
  await page.getByRole('link', { name: new RegExp(products.a.name) }).click();
  await page.getByRole('heading', { name: products.a.name }).waitFor();
  assert.equal(await shownImage(), imagePath(products.a, 'red'));
  await page.getByRole('radio', { name: 'Blue' }).check();
  assert.equal(await shownImage(), imagePath(products.a, 'blue'), 'the blue image');
  await page.getByRole('radio', { name: 'M', exact: true }).check();
  await assertImagesLoaded(page);
  await screenshot(page, 'store-product');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart').waitFor();

  await page.goto(store(`/product.html?id=${products.b.id}`));
  await page.getByRole('radio', { name: 'Yellow' }).check();
  await page.getByRole('radio', { name: 'L', exact: true }).check();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: 'Cart, 2 items' }).waitFor();
});

test('the cart is kept across a reload, and its total follows the catalog prices', async () => {
  await page.goto(store('/cart.html'));
  await page.reload();
  const total = page.locator('#cart-total');
  await total.waitFor();
  assert.equal(await total.textContent(), money(products.a.price + products.b.price));
  const qty = page.getByRole('spinbutton', { name: new RegExp(`Quantity of ${products.a.name}`) });
  await qty.fill('3');
  await qty.press('Tab');
  await page.waitForFunction((want) => document.querySelector('#cart-total').textContent === want,
    money(3 * products.a.price + products.b.price));
  await page.getByRole('link', { name: 'Cart, 4 items' }).waitFor();
  await assertImagesLoaded(page);
});

test('a bad phone number is shown next to the field and nothing is posted', async () => {
  let posted = 0;
  page.on('request', (r) => { if (r.url().includes('create-checkout-session')) posted++; });
  assert.equal(await page.getByLabel('Email').inputValue(), customer.email, 'the email comes from the account');
  await page.getByLabel('Full name').fill('Ada Lovelace');
  await page.getByLabel('Phone').fill('55-12');
  await page.getByLabel('Address').fill('12 Analytical Row');
  await page.getByLabel('City').fill('London');
  await screenshot(page, 'store-cart');
  await page.getByRole('button', { name: 'Checkout' }).click();
  const phone = page.getByLabel('Phone');
  await page.locator('#f-phone-error').waitFor();
  assert.equal(await page.locator('#f-phone-error').textContent(), 'Phone must be 7 to 10 digits');
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  assert.match(await phone.getAttribute('aria-describedby'), /f-phone-error/);
  assert.equal(posted, 0, 'no checkout was asked for');
});

test('a failed payment comes back to the same cart, which says so', async () => {
  await page.getByLabel('Phone').fill('5551234567');
  const total = await page.locator('#cart-total').textContent();
  await page.getByRole('button', { name: 'Checkout' }).click();
  await page.waitForURL(/\/pay\//);
  await page.getByRole('button', { name: 'Fail' }).click();
  await page.waitForURL((u) => u.pathname === '/cart.html' && u.searchParams.has('session_id'));
  await page.getByRole('status').filter({ hasText: 'The payment was not completed' }).waitFor();
  assert.equal(await page.locator('#cart-total').textContent(), total, 'the cart is as it was');
  assert.equal(await page.getByLabel('Phone').inputValue(), '5551234567', 'and so is the shipping form');
});

test('checkout with the test provider lands on the return page, paid', async () => {
  await page.getByRole('button', { name: 'Checkout' }).click();
  await page.waitForURL(/\/pay\//);
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.waitForURL((u) => u.pathname === '/return.html' && u.searchParams.has('session_id'));
  sessionId = new URL(page.url()).searchParams.get('session_id');
  await page.getByText('Payment status: paid').waitFor({ timeout: 30000 });
  await page.getByRole('link', { name: 'Cart, 0 items' }).waitFor();
  await screenshot(page, 'store-return');
});

test('the order is under My orders with its items and total', async () => {
  await page.getByRole('link', { name: 'View My orders' }).click();
  // the failed payment before made a failed order of the same cart: the paid one is awaited
  const paidOrder = () => page.locator('.order', { has: page.getByRole('link', { name: products.a.name }) })
    .filter({ has: page.locator('.badge.paid') });
  const found = await eventually(async () => {
    if (await paidOrder().count()) return true;
    await page.reload();
    await page.waitForLoadState('networkidle');
    return false;
  }, 30);
  assert.ok(found, `the order arrived; My orders shows: ${await page.locator('main').textContent()}`);
  const order = paidOrder();
  await order.getByRole('link', { name: products.b.name }).waitFor();
  assert.match(await order.textContent(), new RegExp(`Total\\s*\\${money(3 * products.a.price + products.b.price)}`));
  assert.match(await order.textContent(), /paid/);
  await screenshot(page, 'store-orders');
});

test('the order confirmation reached the mailbox', async () => {
  const mail = await eventually(async () => (await mailsTo(customer.email)).find((m) => /is confirmed/.test(m.Subject)), 30);
  assert.ok(mail, 'the order confirmation');
  const failed = await eventually(async () => (await mailsTo(customer.email)).find((m) => /did not go through/.test(m.Subject)), 30);
  assert.ok(failed, 'and the mail about the failed payment before it');
});

test('an unknown product has a clear page; no page had problems', async () => {
  await page.goto(store('/product.html?id=999999999'));
  await page.getByRole('heading', { name: 'We couldn’t find that product' }).waitFor();
  assertNoProblems(page);
  const other = await newPage(browser);
  const res = await other.goto(store('/no-such-page'));
  assert.equal(res.status(), 404);
  await other.getByRole('heading', { name: 'Page not found' }).waitFor();
  assertNoProblems(other, ['404 document']);
  await other.context().close();
});

for (const [label, viewport] of [['phone', PHONE], ['desktop', DESKTOP]])
  test(`accessibility on a ${label}`, async () => {
    await page.setViewportSize(viewport);
    const pages = [
      ['home', '/', () => page.getByRole('link', { name: new RegExp(products.b.name) }).waitFor()],
      ['product list', '/products.html', () => page.getByRole('link', { name: new RegExp(products.b.name) }).waitFor()],
      ['product page', `/product.html?id=${products.a.id}`, () => page.getByRole('heading', { name: products.a.name }).waitFor()],
      ['cart', '/cart.html', () => page.locator('#cart-total').waitFor()],
      ['return page', `/return.html?session_id=${sessionId}`, () => page.getByText('Payment status: paid').waitFor()],
      ['my orders', '/orders.html', () => page.getByRole('link', { name: products.a.name }).first().waitFor()],
      ['sign-in', '/sign-in.html', () => page.getByLabel('Password').waitFor()],
    ];
    await page.evaluate((line) => localStorage.setItem('shop.cart', JSON.stringify([line])),
      { id: products.b.id, size: 'm', color: 'green', quantity: 1 });
    for (const [name, path, ready] of pages) {
      await page.goto(store(path));
      await ready();
      await assertAccessible(page, `${name} (${label})`);
    }
    await page.evaluate(() => localStorage.removeItem('shop.cart'));
    assertNoProblems(page);
  });

test('the home page is fast and does not shift', async () => {
  const fresh = await newPage(browser, DESKTOP);
  await fresh.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    new MutationObserver((_, obs) => {
      if (document.querySelector('#newest .card:not(.skeleton)')) { window.__shown = performance.now(); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  await fresh.goto(store('/'));
  await fresh.waitForFunction(() => window.__shown);
  await assertImagesLoaded(fresh);
  await fresh.waitForTimeout(500);
  const m = await fresh.evaluate(() => ({
    dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    shown: window.__shown, shift: window.__shift,
  }));
  console.log(`home page: DOMContentLoaded ${m.dcl.toFixed(0)} ms, products visible ${m.shown.toFixed(0)} ms, layout shift ${m.shift.toFixed(4)}`);
  assert.ok(m.shift < 0.1, `layout shift ${m.shift} is below 0.1`);
  assertNoProblems(fresh);
  await fresh.context().close();
});
