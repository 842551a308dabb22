// Coffer's web console in a real browser (Debian's chromium through Playwright), against the
// Coffer that console/run started: sign-in, every page, every action, a reader's limits, CSRF,
// cookies and headers, and the audit trail of what the console read. Screenshots of every page go
// to console/screenshots/.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE = process.env.COFFER_CONSOLE_URL; // https://localhost:<port>/console/
const ORIGIN = new URL(CONSOLE).origin;
const DEV = { user: process.env.COFFER_CONSOLE_USER, password: process.env.COFFER_CONSOLE_PASSWORD };
const READER = { user: process.env.COFFER_READER_USER, password: process.env.COFFER_READER_PASSWORD };
const CONSOLE_CLIENT = 'c0ffe12c-0a5e-4c0e-9b1e-000000c0a501';
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
fs.mkdirSync(SHOTS, { recursive: true });

test.describe.configure({ mode: 'serial' });

/** Every test watches for CSP violations and script errors: there must be none. */
let problems = [];
test.beforeEach(async ({ page }) => {
  problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
});
test.afterEach(async () => {
  expect(problems.filter((p) => !p.includes('status of 4'))).toEqual([]);
});

/** The table row whose first cell is exactly {@code name}. */
function row(page, name) {
  return page.locator('tr', { has: page.locator('td.name', { hasText: new RegExp(`^${name}( \\(current\\))?$`) }) });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function signIn(page, who = DEV) {
  await page.goto(CONSOLE);
  await expect(page.locator('h1')).toHaveText('Sign in to Coffer');
  await page.fill('#login', who.user);
  await page.fill('#passwd', who.password);
  await page.click('#submit');
  await expect(page.locator('h1')).toHaveText('Vaults');
}

/** Every visible form control has a label a screen reader announces. */
async function expectLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML));
  expect(unlabelled).toEqual([]);
}

function inDays(days) {
  const d = new Date(Date.now() + days * 86400_000);
  return d.toISOString().slice(0, 16);
}

async function createSecret(page, vault, { name, value, contentType = '', tags = '', exp = '', nbf = '' }) {
  await page.goto(`${CONSOLE}vaults/${vault}`);
  await page.click('#new-secret summary');
  await page.fill('#name', name);
  await page.fill('#value', value);
  if (contentType) await page.fill('#contentType', contentType);
  if (tags) await page.fill('#tags', tags);
  if (exp) await page.fill('#exp', exp);
  if (nbf) await page.fill('#nbf', nbf);
  await page.click('button:has-text("Create secret")');
  await expect(page.locator('h1')).toHaveText(name);
}

function auditLines() {
  return fs.readFileSync(process.env.COFFER_AUDIT_LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

/** Posts a form from inside the page, as a tampered page or a hand-made request would. */
async function forcePost(page, action, fields) {
  await page.evaluate(({ action, fields }) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  }, { action, fields });
  await page.waitForLoadState();
}

async function csrfToken(page) {
  return page.locator('input[name=csrf]').first().getAttribute('value');
}

/** Presses Tab until {@code locator} has the focus: proof that the keyboard alone reaches it. */
async function tabTo(page, locator, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`${limit} presses of Tab never reached ${locator}`);
}

/** Buttons and links a screen reader would announce without a name. */
async function expectNamed(page) {
  const nameless = await page.evaluate(() =>
    [...document.querySelectorAll('button, a, summary')]
      .filter((el) => !el.textContent.trim() && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML));
  expect(nameless).toEqual([]);
}

test('sign-in: the URL coffer dev prints leads through sign-in to the vaults', async ({ page, context }) => {
  await page.goto(CONSOLE);
  await expect(page.locator('h1')).toHaveText('Sign in to Coffer');
  await expectLabelled(page);
  await shot(page, '01-sign-in');
  await page.fill('#login', DEV.user);
  await page.fill('#passwd', 'not the password');
  await page.click('#submit');
  await expect(page.locator('[role=alert]')).toContainText('Your account or password is incorrect');
  await page.fill('#passwd', DEV.password);
  await page.click('#submit');
  await expect(page.locator('h1')).toHaveText('Vaults');
  await expect(page.getByRole('link', { name: 'main', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'bulk', exact: true })).toBeVisible();
  await expect(row(page, 'bulk')).toContainText('10,500');
  await expect(row(page, 'kept')).toContainText('Purge protection');
  await expect(row(page, 'policies')).toContainText('Access policies');
  await shot(page, '02-vaults');

  const session = (await context.cookies()).find((c) => c.name === '__Host-coffer-console');
  expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  expect(await page.evaluate(() => document.cookie)).not.toContain('coffer-console');
});

test('headers: a strict content security policy, no framing, no caching', async ({ page }) => {
  await signIn(page);
  for (const url of [CONSOLE, `${CONSOLE}vaults/main`, `${CONSOLE}audit`]) {
    const response = await page.goto(url);
    const headers = response.headers();
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('same-origin');
  }
});

test('a secret: created with tags and expiry; its value hidden until shown, then copied; the read is audited', async ({ page, context }) => {
  await signIn(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
  await createSecret(page, 'main', {
    name: 'db-password', value: 'correct-horse-42', contentType: 'text/plain',
    tags: 'owner=data\nenv=dev', exp: inDays(60),
  });
  await expect(page.locator('[role=status]').first()).toContainText("Secret 'db-password' created.");
  await expect(page.locator('#secret-value')).toHaveCount(0);
  expect(await page.content()).not.toContain('correct-horse-42');
  await expect(page.locator('dl')).toContainText('owner=data');
  await expect(page.locator('dl')).toContainText('text/plain');
  await expect(page.locator('dl')).toContainText(/expires in 5[89] days/);
  await expectLabelled(page);
  await shot(page, '04-secret');

  const before = auditLines().filter((e) => e.operation === 'SecretGet' && e.secret === 'db-password').length;
  await page.click('button:has-text("Show value")');
  await expect(page.locator('#secret-value')).toHaveText('correct-horse-42');
  await page.click('button:has-text("Copy")');
  await expect(page.locator('#secret-value-copied')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('correct-horse-42');
  await shot(page, '05-secret-value');

  const reads = auditLines().filter((e) => e.operation === 'SecretGet' && e.secret === 'db-password');
  expect(reads.length).toBe(before + 1);
  expect(reads.at(-1)).toMatchObject({ appId: CONSOLE_CLIENT, vault: 'main', status: 200 });
  expect(fs.readFileSync(process.env.COFFER_AUDIT_LOG, 'utf8')).not.toContain('correct-horse-42');
  expect(fs.readFileSync(process.env.COFFER_SERVER_LOG, 'utf8')).not.toContain('correct-horse-42');
});

test('secrets list: content type, tags, dates and expired or near-expiry badges', async ({ page }) => {
  await signIn(page);
  await createSecret(page, 'main', { name: 'api-key', value: 'k1', tags: 'team=payments', exp: inDays(5) });
  await createSecret(page, 'main', { name: 'old-token', value: 't0', exp: inDays(-2) });
  await createSecret(page, 'main', { name: 'future-cert', value: 'c1', contentType: 'application/x-pem-file', nbf: inDays(3) });
  await page.goto(`${CONSOLE}vaults/main`);
  await expect(row(page, 'api-key')).toContainText('Expires soon');
  await expect(row(page, 'api-key')).toContainText(/expires in [45] days/);
  await expect(row(page, 'api-key')).toContainText('team=payments');
  await expect(row(page, 'old-token')).toContainText('Expired');
  await expect(row(page, 'future-cert')).toContainText('Not yet active');
  await expect(row(page, 'future-cert')).toContainText('application/x-pem-file');
  await expect(row(page, 'db-password')).toContainText('Enabled');
  await expectLabelled(page);
  await shot(page, '03-secrets');
});

test('a secret: new version, attributes and tags, disable and enable', async ({ page }) => {
  await signIn(page);
  await createSecret(page, 'main', { name: 'rotating', value: 'v1' });
  await page.click('#new-version summary');
  await page.fill('#nv--value', 'v2');
  await page.click('button:has-text("Create version")');
  await expect(page.locator('[role=status]').first()).toContainText('A new version');
  await expect(page.locator('table tbody tr')).toHaveCount(2);

  await page.click('#edit-attributes summary');
  await page.fill('#ea--tags', 'team=payments\nrotation=monthly');
  await page.fill('#ea--contentType', 'text/plain');
  await page.click('button:has-text("Save")');
  await expect(page.locator('[role=status]').first()).toContainText('Attributes and tags saved.');
  await expect(page.locator('dl')).toContainText('rotation=monthly');

  await page.click('button:has-text("Disable this version")');
  await expect(page.locator('main > p').first()).toContainText('Disabled');
  await page.click('button:has-text("Show value")');
  await expect(page.locator('h1')).toHaveText('Not allowed');
  await expect(page.locator('[role=alert]')).toContainText('disabled');
  expect(await page.content()).not.toMatch(/Exception|at io\.coffer/);
  await shot(page, '06-refused-disabled');
  await page.goto(`${CONSOLE}vaults/main/secrets/rotating`);
  await page.click('button:has-text("Enable this version")');
  await expect(page.locator('main > p').first()).toContainText('Enabled');
  await page.click('button:has-text("Show value")');
  await expect(page.locator('#secret-value')).toHaveText('v2');
});

test('paging and filtering over 10,500 secrets', async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}vaults/bulk`);
  await expect(page.locator('#secrets-range')).toHaveText('Page 1: secrets 1–25 of 10,500');
  await expect(page.locator('table tbody tr')).toHaveCount(25);
  await page.click('text=Next page');
  await expect(page.locator('#secrets-range')).toHaveText('Page 2: secrets 26–50 of 10,500');
  await page.click('text=Next page');
  await expect(page.locator('#secrets-range')).toHaveText('Page 3: secrets 51–75 of 10,500');
  await page.click('text=Previous page');
  await expect(page.locator('#secrets-range')).toHaveText('Page 2: secrets 26–50 of 10,500');
  await page.fill('#prefix', 'app-999');
  await page.click('button:has-text("Filter")');
  const names = await page.locator('table tbody td.name').allTextContents();
  expect(names).toEqual(['app-999', ...Array.from({ length: 10 }, (_, i) => `app-999${i}`)]);
  await expect(page.locator('text=Next page')).toHaveCount(0);
  await page.fill('#prefix', 'app-1049');
  await page.click('button:has-text("Filter")');
  await expect(page.locator('table tbody tr')).toHaveCount(11);
  await page.goto(`${CONSOLE}vaults/bulk?prefix=app-2`);
  await expect(page.locator('table tbody tr')).toHaveCount(25);
  await page.click('text=Next page');
  expect((await page.locator('table tbody td.name').allTextContents()).every((n) => n.startsWith('app-2'))).toBe(true);
  await page.goto(`${CONSOLE}vaults/bulk`);
  await shot(page, '07-bulk-paging');
});

test('delete, recover, and purge after typing the name', async ({ page }) => {
  await signIn(page);
  await createSecret(page, 'main', { name: 'short-lived', value: 'x' });
  await page.click('text=Delete secret…');
  await expect(page.locator('h1')).toHaveText('Delete short-lived?');
  await shot(page, '08-delete-confirm');
  await page.click('button:has-text("Delete secret")');
  await expect(page.locator('[role=status]').first()).toContainText("Secret 'short-lived' deleted.");
  await page.goto(`${CONSOLE}vaults/main/deleted`);
  await expect(row(page, 'short-lived')).toBeVisible();
  await shot(page, '09-deleted');
  await row(page, 'short-lived').locator('button:has-text("Recover")').click();
  await expect(page.locator('[role=status]').first()).toContainText("Secret 'short-lived' recovered.");
  await expect(page.locator('h1')).toHaveText('short-lived');

  await page.click('text=Delete secret…');
  await page.click('button:has-text("Delete secret")');
  await page.goto(`${CONSOLE}vaults/main/deleted`);
  await row(page, 'short-lived').locator('text=Purge…').click();
  await expect(page.locator('h1')).toHaveText('Purge short-lived?');
  await expectLabelled(page);
  await shot(page, '10-purge-confirm');
  await page.fill('#confirm', 'something-else');
  await page.click('button:has-text("Purge for good")');
  await expect(page.locator('[role=alert]')).toContainText('does not match');
  await page.goto(`${CONSOLE}vaults/main/deleted/short-lived/purge`);
  await page.fill('#confirm', 'short-lived');
  await page.click('button:has-text("Purge for good")');
  await expect(page.locator('[role=status]').first()).toContainText("Secret 'short-lived' purged.");
  await expect(row(page, 'short-lived')).toHaveCount(0);
});

test('purge protection: no purge button, and a forced purge is refused in words', async ({ page }) => {
  await signIn(page);
  await createSecret(page, 'kept', { name: 'protected-one', value: 'p' });
  await page.click('text=Delete secret…');
  await page.click('button:has-text("Delete secret")');
  await page.goto(`${CONSOLE}vaults/kept/deleted`);
  await expect(page.locator('main')).toContainText('Purge protection is on');
  const deleted = row(page, 'protected-one');
  await expect(deleted.locator('button:has-text("Recover")')).toBeVisible();
  await expect(deleted.locator('text=Purge…')).toHaveCount(0);
  await forcePost(page, `${CONSOLE}vaults/kept/deleted/protected-one/purge`, {
    csrf: await csrfToken(page), confirm: 'protected-one',
  });
  await expect(page.locator('h1')).toHaveText('Not allowed');
  await expect(page.locator('[role=alert]')).toContainText('purge protection is enabled for this vault');
});

test('access: role assignments at vault and secret scope, and access policies, added and removed', async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}vaults/main/access`);
  await expect(page.locator('tr', { hasText: 'Rita Reader' })).toContainText('Key Vault Secrets User');
  await page.selectOption('#principal', { label: 'Rita Reader <reader@coffer.localhost> — User' });
  await page.selectOption('#role', 'Key Vault Secrets Officer');
  await page.fill('#secret', 'api-key');
  await page.click('button:has-text("Assign role")');
  await expect(page.locator('[role=status]').first()).toContainText('Role assigned.');
  const scoped = page.locator('tr', { hasText: '/vaults/main/secrets/api-key' });
  await expect(scoped).toContainText('Key Vault Secrets Officer');
  await expectLabelled(page);
  await shot(page, '11-access');
  await scoped.locator('button:has-text("Remove")').click();
  await expect(page.locator('[role=status]').first()).toContainText('Role assignment removed.');
  await expect(page.locator('tr', { hasText: '/vaults/main/secrets/api-key' })).toHaveCount(0);

  await page.goto(`${CONSOLE}vaults/policies/access`);
  await expect(page.locator('main')).toContainText('Permission model: Access policies');
  await page.selectOption('#principal', { label: 'Rita Reader <reader@coffer.localhost> — User' });
  await page.click('button:has-text("Save policy")');
  await expect(page.locator('tr', { hasText: 'Rita Reader' })).toContainText('get, list');
  await shot(page, '12-access-policies');
  await page.locator('tr', { hasText: 'Rita Reader' }).locator('button:has-text("Remove")').click();
  await expect(page.locator('tr', { hasText: 'Rita Reader' })).toHaveCount(0);
});

test('principals: an application and a client secret shown once, then removed', async ({ page }) => {
  await signIn(page);
  await page.click('nav >> text=Principals');
  await expect(page.locator('h1')).toHaveText('Principals');
  await expect(page.locator('main')).toContainText('coffer-dev-app');
  await expectLabelled(page);
  await shot(page, '13-principals');
  await page.selectOption('#tenant', 'coffer-dev');
  await page.fill('#displayName', 'billing-etl');
  await page.click('button:has-text("Create application")');
  await expect(page.locator('h1')).toHaveText('billing-etl');
  await expect(page.locator('main')).toContainText('No client secrets');
  await page.fill('#displayName', 'first');
  await page.fill('#days', '30');
  await page.click('button:has-text("Add client secret")');
  const secret = await page.locator('#new-client-secret').textContent();
  expect(secret.length).toBeGreaterThan(30);
  await expect(page.locator('main')).toContainText('shown only this once');
  await shot(page, '14-client-secret');
  await page.reload();
  await expect(page.locator('#new-client-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  expect(fs.readFileSync(process.env.COFFER_SERVER_LOG, 'utf8')).not.toContain(secret);
  await page.locator('tr', { hasText: 'first' }).locator('button:has-text("Remove")').click();
  await expect(page.locator('[role=status]').first()).toContainText('Client secret removed');
  await expect(page.locator('main')).toContainText('No client secrets');
});

test('audit: the console\'s reads are in the trail, found by operation and secret; the chain verifies', async ({ page }) => {
  await signIn(page);
  await page.click('nav >> text=Audit');
  await expect(page.locator('[role=status]').first()).toContainText('The hash chain verifies');
  await page.fill('#operation', 'SecretGet');
  await page.fill('#secret', 'db-password');
  await page.fill('#status', '2xx');
  await page.click('button:has-text("Search")');
  const rows = page.locator('table tbody tr');
  await expect(rows.first()).toContainText('SecretGet');
  await expect(rows.first()).toContainText(CONSOLE_CLIENT);
  for (const text of await rows.allTextContents()) expect(text).toContain('db-password');
  await expectLabelled(page);
  await shot(page, '15-audit');

  // Every read and write the console made on a vault is the API's own line, under the console's
  // app id and the user's object id; no value is in the trail.
  const consoles = auditLines().filter((e) => e.appId === CONSOLE_CLIENT && e.vault === 'main');
  expect([...new Set(consoles.map((e) => e.operation))]).toEqual(expect.arrayContaining([
    'SecretList', 'SecretListVersions', 'SecretGet', 'SecretSet', 'SecretUpdate', 'SecretDelete',
    'SecretListDeleted', 'SecretRecover', 'SecretPurge',
  ]));
  expect(new Set(consoles.map((e) => e.principal)).size).toBe(1);
  await page.goto(`${CONSOLE}audit?from=2000-01-01T00:00&to=2000-01-02T00:00`);
  await expect(page.locator('main')).toContainText('No record matches');
});

test('a Key Vault Secrets User reads values, sees no write buttons, and a forced write is refused in words', async ({ page }) => {
  await signIn(page, READER);
  await expect(page.locator('header nav')).not.toContainText('Principals');
  await expect(row(page, 'bulk')).toContainText('no list access');
  await page.goto(`${CONSOLE}vaults/main`);
  await expect(page.locator('#new-secret')).toHaveCount(0);
  await page.click('text=db-password');
  await expect(page.locator('text=Delete secret…')).toHaveCount(0);
  await expect(page.locator('#new-version')).toHaveCount(0);
  await expect(page.locator('main')).toContainText('Your access lets you read this secret, not change it.');
  await page.click('button:has-text("Show value")');
  await expect(page.locator('#secret-value')).toHaveText('correct-horse-42');
  await shot(page, '17-reader-secret');

  await forcePost(page, `${CONSOLE}vaults/main/secrets`, {
    csrf: await csrfToken(page), name: 'reader-wrote-this', value: 'nope', enabled: 'true',
  });
  await expect(page.locator('h1')).toHaveText('Not allowed');
  await expect(page.locator('[role=alert]')).toContainText('Caller is not authorized to perform action on resource');
  await shot(page, '18-reader-refused');
  const refused = auditLines().filter((e) => e.operation === 'SecretSet' && e.secret === 'reader-wrote-this');
  expect(refused).toHaveLength(1);
  expect(refused[0]).toMatchObject({ status: 403, appId: CONSOLE_CLIENT, errorCode: 'Forbidden' });

  await page.goto(`${CONSOLE}audit`);
  await expect(page.locator('h1')).toHaveText('Not allowed');
  await expect(page.locator('[role=alert]')).toContainText('is not a Coffer administrator');
});

test('CSRF: a post without the token, or from another site, is refused and changes nothing', async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}vaults/main`);
  await forcePost(page, `${CONSOLE}vaults/main/secrets`, { name: 'forged', value: 'x', enabled: 'true' });
  await expect(page.locator('h1')).toHaveText('Not allowed');
  await expect(page.locator('[role=alert]')).toContainText('This form has expired or was not sent from this console');

  // Another site's page that posts to the console: the SameSite=Strict cookie stays home.
  await page.route('https://attacker.example/**', (route) => route.fulfill({
    contentType: 'text/html',
    body: `<form method="post" action="${CONSOLE}vaults/main/secrets"><input name="name" value="forged">`
      + '<input name="value" value="x"><input name="enabled" value="true"></form>'
      + '<script>document.forms[0].submit()</script>',
  }));
  await page.goto('https://attacker.example/');
  await page.waitForURL(`${CONSOLE}vaults/main/secrets`);
  await expect(page.locator('h1')).toHaveText('Your session has ended');

  await page.goto(`${CONSOLE}vaults/main/secrets/forged`);
  await expect(page.locator('main')).toContainText('This vault holds no secret named forged');
});

test('layout: every page fits 1280x800 and a phone-sized window without sideways scrolling, every control named', async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}principals`);
  const app = await page.getByRole('link', { name: 'coffer-dev-app' }).first().getAttribute('href');
  const pages = [
    CONSOLE, `${CONSOLE}vaults/main`, `${CONSOLE}vaults/main/secrets/db-password`,
    `${CONSOLE}vaults/main/secrets/db-password/delete`, `${CONSOLE}vaults/main/deleted`,
    `${CONSOLE}vaults/main/access`, `${CONSOLE}vaults/policies/access`, `${CONSOLE}principals`,
    new URL(app, CONSOLE).href, `${CONSOLE}audit`, `${CONSOLE}vaults/nope`,
  ];
  for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(size);
    for (const url of pages) {
      await page.goto(url);
      await expect(page.locator('h1'), url).toBeVisible();
      const { scroll, inner } = await page.evaluate(() =>
        ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(scroll, `${url} at ${size.width}px scrolls sideways`).toBeLessThanOrEqual(inner);
      await expectLabelled(page);
      await expectNamed(page);
    }
  }
  // Narrow, a table's rows become cards whose cells say what they are.
  await page.goto(`${CONSOLE}vaults/main`);
  await expect(row(page, 'api-key')).toBeVisible();
  const label = await row(page, 'api-key').locator('td').nth(1)
    .evaluate((td) => getComputedStyle(td, '::before').content);
  expect(label).toBe('"Status"');
  await shot(page, '16-narrow-secrets');
  await page.goto(`${CONSOLE}vaults/main/secrets/db-password`);
  await shot(page, '21-narrow-secret');
});

test('sign-out ends the session on the server; the old cookie signs no one in', async ({ page, browser }) => {
  await signIn(page);
  const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-coffer-console');
  await page.click('button:has-text("Sign out")');
  await expect(page.locator('h1')).toHaveText('You have signed out');
  await shot(page, '19-signed-out');
  const other = await browser.newContext({ ignoreHTTPSErrors: true });
  await other.addCookies([cookie]);
  const stale = await other.newPage();
  await stale.goto(CONSOLE);
  await expect(stale.locator('h1')).toHaveText('Sign in to Coffer');
  await other.close();
});

test('errors are readable pages and empty states say what to do next', async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}vaults/nope`);
  await expect(page.locator('h1')).toHaveText('Not found');
  await expect(page.locator('[role=alert]')).toHaveText("There is no vault named 'nope' in your tenant.");
  await shot(page, '20-not-found');
  await page.goto(`${CONSOLE}vaults/policies/deleted`);
  await expect(page.locator('.empty')).toContainText('No deleted secrets.');
  await page.goto(`${CONSOLE}vaults/policies`);
  await expect(page.locator('.empty')).toContainText('This vault holds no secrets yet.');
  await page.goto(`${CONSOLE}vaults/bulk?prefix=zzz`);
  await expect(page.locator('.empty')).toContainText("No secret's name starts with zzz");
  await page.goto(`${CONSOLE}no/such/page`);
  await expect(page.locator('h1')).toHaveText('Not found');
  expect(await page.content()).not.toMatch(/Exception|\.java:/);
});

test('keyboard: sign in, open a vault, create a secret and show its value without a mouse', async ({ page }) => {
  await page.goto(CONSOLE);
  await tabTo(page, page.locator('#login'));
  await page.keyboard.type(DEV.user);
  await page.keyboard.press('Tab');
  await expect(page.locator('#passwd')).toBeFocused();
  await page.keyboard.type(DEV.password);
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('Vaults');

  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toHaveText('Skip to content');
  // The focused control is visibly marked.
  expect(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)).toBe('solid');
  await tabTo(page, page.getByRole('link', { name: 'main', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('main');
  await tabTo(page, page.locator('#new-secret summary'));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.locator('#name')).toBeFocused();
  await page.keyboard.type('typed-by-keyboard');
  await tabTo(page, page.locator('#value'));
  await page.keyboard.type('kb');
  await tabTo(page, page.locator('button:has-text("Create secret")'));
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('typed-by-keyboard');
  await tabTo(page, page.locator('button:has-text("Show value")'));
  await page.keyboard.press('Enter');
  await expect(page.locator('#secret-value')).toHaveText('kb');
});
