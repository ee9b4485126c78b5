// admin.mjs: the admin dashboard (htdocs/admin) driven through its UI as an
// admin: categories, a product with two colors and their uploaded images (the
// server's errors shown on their fields first), its price edited, orders paid by
// a customer then shipped and partly refunded, the 409 of a category in use, the
// product deleted; a customer sees "not authorized"; axe on phone and desktop
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import {
  launch, newPage, env, api, adminToken, unique, eventually, screenshot,
  assertNoProblems, assertImagesLoaded, assertAccessible, PHONE, DESKTOP,
} from './lib.mjs';

const browser = await launch();
after(() => browser.close());

// a small valid PNG of one colour (8x8, RGB)
function png([r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = ~0; for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (~c) >>> 0; };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(8, 0); header.writeUInt32BE(8, 4); header[8] = 8; header[9] = 2;
  const row = Buffer.from([0, ...Array(8).fill([r, g, b]).flat()]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array(8).fill(row)))), chunk('IEND', Buffer.alloc(0))]);
}
const pngFile = (name, rgb) => ({ name, mimeType: 'image/png', buffer: png(rgb) });

async function signIn(page, email, password) {
  await page.goto(env.admin + '/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function visit(page, hash, heading) {
  await page.goto(`${env.admin}/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[role=status].loading'));
}

async function attribute(locator, name) {
  await locator.waitFor();
  return locator.getAttribute(name);
}

// a customer's paid order of the product (checkout on the test provider), as the admin lists it
async function paidOrder(token, productId) {
  const email = `${unique('buyer')}@example.com`;
  const { status: signedUp, data: customer } = await api('POST', '/api/auth/sign-up', {
    json: { email, username: unique('buyer'), firstName: 'Grace', lastName: 'Hopper', password: 'compiler-1952' },
  });
  assert.equal(signedUp, 201);
  const { status, data: session } = await api('POST', '/api/sessions/create-checkout-session', {
    token: customer.token,
    json: { cart: [{ id: productId, quantity: 2, selectedSize: 'm', selectedColor: 'red' }],
            shipping: { name: 'Grace Hopper', email, phone: '5551234567', address: '1 Harbour Lane', city: 'Arlington' } },
  });
  assert.equal(status, 200, JSON.stringify(session));
  const paid = await fetch(`${env.gateway}/pay/${session.id}`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'action=pay', redirect: 'manual',
  });
  assert.equal(paid.status, 303);
  const order = await eventually(async () => {
    const { data } = await api('GET', '/api/orders?limit=100', { token });
    return Array.isArray(data) && data.find((o) => o.checkoutSessionId === session.id);
  });
  assert.ok(order, 'the paid checkout became an order');
  return order;
}

// the storefront shows the product: through its search page when the store has
// one, else through its own origin's API and image URLs
async function assertInStore(name, text) {
  const page = await newPage(browser);
  await page.goto(env.store + '/');
  const search = page.getByRole('searchbox');
  if (await search.count()) {
    await search.first().fill(name);
    await search.first().press('Enter');
    await page.getByText(name).first().waitFor();
    await page.getByText(text).first().waitFor();
    await assertImagesLoaded(page);
  } else {
    const res = await page.request.get(`${env.store}/api/products?search=${encodeURIComponent(name)}`);
    const [product] = await res.json();
    assert.equal(product && product.name, name, 'the store lists the product');
    assert.equal(`$${product.price.toFixed(2)}`, text);
    for (const url of Object.values(product.images)) {
      const img = await page.request.get(new URL(url, env.store).href);
      assert.equal(img.status(), 200, `the store serves ${url}`);
      assert.equal(img.headers()['content-type'], 'image/png');
    }
  }
  assertNoProblems(page);
  await page.context().close();
}

const category = unique('Cat ');
const productName = unique('Lamp ');
let token, productId, desktop, shipOrder, refundOrder;

test('an admin signs in through the UI and sees the overview', async () => {
  token = await adminToken();
  desktop = await newPage(browser, DESKTOP);
  await signIn(desktop, env.adminEmail, env.adminPassword);
  await desktop.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await desktop.getByRole('img', { name: /orders per month/i }).waitFor();
  assert.equal(await desktop.getByRole('table', { name: 'Orders per month' }).getByRole('row').count(), 7);
});

test('a category is created in the UI', async () => {
  await desktop.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Categories' }).click();
  await desktop.getByLabel('Name', { exact: true }).fill(category);
  await desktop.getByRole('button', { name: 'Create category' }).click();
  await desktop.getByRole('status').filter({ hasText: `“${category}” was created` }).waitFor();
  await desktop.getByRole('cell', { name: category, exact: true }).waitFor();
});

test('a product: the server\'s errors on their fields, then created with an image per color', async () => {
  await visit(desktop, '#/products', 'Products');
  await desktop.getByRole('link', { name: 'New product' }).click();
  await desktop.getByRole('heading', { level: 1, name: 'New product' }).waitFor();
  await desktop.getByLabel('Name', { exact: true }).fill(productName);
  await desktop.getByLabel('Price (USD)').fill('24.5');
  await desktop.getByLabel('Short description').fill('x'.repeat(61));
  await desktop.getByLabel('Description', { exact: true }).fill('A desk lamp made in the browser test.');
  await desktop.getByLabel('Category').selectOption({ label: category });
  await desktop.getByRole('group', { name: 'Sizes' }).getByLabel('m', { exact: true }).check();
  const colors = desktop.getByRole('group', { name: 'Colors' });
  await colors.getByLabel('red').check();
  await colors.getByLabel('blue').check();
  await desktop.getByLabel('Image for red').setInputFiles(pngFile('red.png', [220, 30, 30]));
  await desktop.getByRole('img', { name: 'Image for red' }).waitFor();
  await desktop.getByRole('button', { name: 'Create product' }).click();

  await desktop.getByRole('alert').filter({ hasText: 'not saved' }).waitFor();
  const short = desktop.getByLabel('Short description');
  assert.equal(await attribute(short, 'aria-invalid'), 'true');
  assert.match(await desktop.locator(`#${(await short.getAttribute('aria-describedby')).split(' ').pop()}`).innerText(), /1 to 60/);
  const blue = desktop.getByLabel('Image for blue');
  assert.equal(await attribute(blue, 'aria-invalid'), 'true');
  assert.match(await desktop.locator(`#${await blue.getAttribute('aria-describedby')}`).innerText(), /blue color needs an image/);
  assert.equal(await desktop.getByLabel('Image for red').getAttribute('aria-invalid'), null);
  await assertAccessible(desktop, 'the product editor with errors (desktop)');
  await screenshot(desktop, 'admin-product-editor');

  await short.fill('A warm light for late work');
  await blue.setInputFiles(pngFile('blue.png', [30, 60, 220]));
  await desktop.getByRole('img', { name: 'Image for blue' }).waitFor();
  await desktop.getByRole('button', { name: 'Create product' }).click();
  await desktop.getByRole('status').filter({ hasText: `“${productName}” was saved` }).waitFor();
  const { data } = await api('GET', `/api/products?search=${encodeURIComponent(productName)}`);
  assert.equal(data.length, 1);
  productId = data[0].id;
  assert.deepEqual(data[0].colors.sort(), ['blue', 'red']);
  await assertInStore(productName, '$24.50');
});

test('its price is edited in the UI and the store shows the new one', async () => {
  await desktop.getByRole('searchbox', { name: 'Search products by name' }).fill(productName);
  await desktop.getByRole('button', { name: 'Search' }).click();
  await desktop.getByRole('link', { name: `Edit ${productName}` }).click();
  await desktop.getByRole('heading', { level: 1, name: 'Edit product' }).waitFor();
  await desktop.getByLabel('Price (USD)').fill('31.75');
  await desktop.getByRole('button', { name: 'Save changes' }).click();
  await desktop.getByRole('status').filter({ hasText: `“${productName}” was saved` }).waitFor();
  await assertInStore(productName, '$31.75');
});

test('orders paid by a customer: one shipped, one partly refunded, in the UI', async () => {
  [shipOrder, refundOrder] = [await paidOrder(token, productId), await paidOrder(token, productId)];

  await visit(desktop, '#/orders', 'Orders');
  await desktop.getByLabel('Status').selectOption('paid');
  const link = desktop.getByRole('link', { name: `Order ${shipOrder.id.slice(-8)} of ${shipOrder.email}` });
  await link.click();
  await desktop.getByRole('heading', { name: `Order #${shipOrder.id.slice(-8)}` }).waitFor();
  await desktop.getByRole('cell', { name: productName }).waitFor();
  await desktop.getByLabel('New status').selectOption('shipped');
  await desktop.getByRole('button', { name: 'Change status' }).click();
  await desktop.getByRole('status').filter({ hasText: 'now shipped' }).waitFor();
  await desktop.getByLabel('New status').selectOption('delivered');
  await assertAccessible(desktop, 'the order detail (desktop)');

  await visit(desktop, '#/orders', 'Orders');
  await desktop.getByLabel('Status').selectOption('shipped');
  const row = desktop.getByRole('row').filter({ has: desktop.getByRole('link', { name: `Order ${shipOrder.id.slice(-8)} of ${shipOrder.email}` }) });
  await row.getByText('shipped', { exact: true }).waitFor();
  await desktop.getByLabel('Status').selectOption('');
  await desktop.getByRole('row').nth(2).waitFor();
  await assertAccessible(desktop, 'the orders list (desktop)');
  await screenshot(desktop, 'admin-orders');

  await visit(desktop, `#/orders/${refundOrder.id}`, 'Order');
  await desktop.getByLabel('Refund amount (USD)').fill('5');
  await desktop.getByRole('button', { name: 'Refund $5.00' }).click();
  await desktop.getByRole('status').filter({ hasText: 'pending' }).waitFor();
  const refunded = await eventually(async () => {
    await desktop.reload();
    await desktop.getByRole('heading', { name: `Order #${refundOrder.id.slice(-8)}` }).waitFor();
    return (await desktop.getByText('partially refunded', { exact: true }).count())
      && (await desktop.getByTestId('refunded').innerText()) === '$5.00';
  });
  assert.ok(refunded, 'the order shows the partial refund');
});

test('a category still used by a product cannot be deleted, and says why', async () => {
  await visit(desktop, '#/categories', 'Categories');
  await desktop.getByRole('button', { name: `Delete ${category}` }).click();
  const dialog = desktop.getByRole('dialog', { name: 'Delete this category?' });
  await dialog.getByRole('button', { name: 'Delete category' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'still has products' }).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await desktop.getByRole('cell', { name: category, exact: true }).waitFor();
});

test('the product is deleted after the confirmation', async () => {
  await visit(desktop, '#/products', 'Products');
  await desktop.getByRole('searchbox', { name: 'Search products by name' }).fill(productName);
  await desktop.getByRole('button', { name: 'Search' }).click();
  await desktop.getByRole('button', { name: `Delete ${productName}` }).click();
  await desktop.getByRole('dialog', { name: 'Delete this product?' }).getByRole('button', { name: 'Delete product' }).click();
  await desktop.getByRole('status').filter({ hasText: `“${productName}” was deleted` }).waitFor();
  await desktop.getByText(`No product matches “${productName}”.`).waitFor();
  assert.equal((await api('GET', `/api/products/${productId}`)).status, 404);
  assertNoProblems(desktop);
});

test('a customer who signs in sees "not authorized", and the APIs refuse them', async () => {
  const email = `${unique('shopper')}@example.com`;
  assert.equal((await api('POST', '/api/auth/sign-up', {
    json: { email, username: unique('shopper'), firstName: 'Alan', lastName: 'Turing', password: 'enigma-1912' },
  })).status, 201);
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await newPage(browser, viewport);
    await signIn(page, email, 'enigma-1912');
    await page.getByRole('heading', { level: 1, name: 'Not authorized' }).waitFor();
    assert.equal((await page.request.get(`${env.admin}/api/users`)).status(), 403);
    await assertAccessible(page, `the not-authorized page (${viewport.width}px)`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assertNoProblems(page);
    await page.context().close();
  }
});

test('every page passes axe on phone and desktop', async () => {
  const phone = await newPage(browser, PHONE);
  await signIn(phone, env.adminEmail, env.adminPassword);
  await visit(phone, '#/', 'Overview');
  await screenshot(phone, 'admin-overview-phone');
  await phone.getByRole('button', { name: 'Menu' }).click();
  await phone.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }).click();
  await phone.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
  for (const page of [phone, desktop]) {
    const size = page === phone ? 'phone' : 'desktop';
    for (const [hash, heading] of [['#/', 'Overview'], ['#/products', 'Products'], ['#/orders', 'Orders'],
      [`#/orders/${shipOrder.id}`, 'Order'], ['#/categories', 'Categories'], ['#/users', 'Users']]) {
      await visit(page, hash, heading);
      await assertAccessible(page, `${heading} (${size})`);
    }
    await visit(page, '#/products/new', 'New product');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('alert').filter({ hasText: 'not saved' }).waitFor();
    await assertAccessible(page, `the product editor with errors (${size})`);
    assertNoProblems(page);
  }
  await visit(desktop, '#/', 'Overview');
  await screenshot(desktop, 'admin-overview');
});
