// The web dashboard as a person sees it: Debian's chromium, driven by puppeteer-core,
// against the real `ghmonitor --headless` on imported GH Archive data and the GitHub
// stand-in's moving feed. Exits 0 when every check holds, 1 otherwise, 77 (skipped)
// without the recorded fixtures.
//
// node dashboard.test.cjs GHMONITOR FAKEGITHUB FIXTURES_DIR ARTIFACTS_DIR
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const [ghmonitor, fakegithub, fixtures, artifacts] = process.argv.slice(2);
const archiveHour = path.join(fixtures, 'gharchive_2025-01-01-15_first2048.ndjson.gz');
const children = [];
const pageErrors = []; // every page's, for the report of a failure

function cleanEnvironment(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(GHM_|GITHUB_|COLLECTION_)/.test(key)) env[key] = value;
  }
  return { ...env, GHM_API_PORT: '0', ...extra };
}

// Starts a program and resolves with the first output line that `pattern` matches.
function start(program, args, env, pattern) {
  const child = spawn(program, args, { env });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${program} did not start:\n${output}`)), 15000);
    const read = (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await ended;
}

async function json(url, token) {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  assert.equal(response.status, 200, `${url}: ${response.status}`);
  return response.json();
}

// Every request the page makes, and every error it logs.
function watch(page, origin, allowedErrors = []) {
  const seen = { requests: [], errors: [] };
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowedErrors.some((allowed) => message.text().includes(allowed)))
      seen.errors.push(message.text());
  });
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('console', (message) => pageErrors.push(`${message.type()}: ${message.text()}`));
  seen.check = () => {
    assert.deepEqual(seen.errors, [], 'the page logged errors');
    // data: URLs (the browser's own date-picker icons) never leave the page.
    const outside = seen.requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'));
    assert.deepEqual(outside, [], 'requests left 127.0.0.1');
  };
  return seen;
}

// What the page shows, read as a screen reader would: each chart's table of numbers, the
// window's label and the URL.
function shown(page) {
  return page.evaluate(() => {
    const table = (id) => [...document.querySelectorAll(`#${id} tbody tr`)]
      .map((row) => [...row.cells].map((cell) => cell.textContent));
    const number = (text) => Number(text.replace(/^≥ /, '').replace(/,/g, ''));
    const label = document.getElementById('window-label');
    const rate = table('rate-table');
    return {
      types: table('types-table').map(([name, events]) => [name, number(events)]),
      repositories: table('repositories-table').map(([name, events]) => [name, number(events)]),
      rateTotal: rate.reduce((sum, row) => sum + row.slice(1).reduce((cells, cell) => cells + (cell === 'no source' ? 0 : number(cell)), 0), 0),
      totals: [...document.querySelectorAll('[data-total]')].map((element) => element.textContent),
      repository: document.getElementById('repository').value,
      pullRequestsName: document.getElementById('pull-requests-name').textContent,
      pullRequests: table('pull-requests-table').length,
      feed: [...document.querySelectorAll('#feed tbody tr')].map((row) => row.dataset.id),
      label: label.textContent,
      from: label.dataset.from,
      to: label.dataset.to,
      minutes: Number(label.dataset.minutes),
      search: location.search,
    };
  });
}

// Each panel's numbers, as text, against the JSON API's own answers for the page's window.
async function compareWithTheApi(page, api) {
  const view = await shown(page);
  const { minutes } = view;
  const count = await json(`${api}/api/events/count?window=${minutes}&at=${view.to}`);
  let bars = 0;
  for (const [type, value] of view.types) {
    if (type !== 'Other') assert.equal(value, count.counts[type], `events of type ${type}`);
    bars += value;
  }
  assert.equal(bars, count.total, 'the type bars add up to the window\'s events');
  assert.equal(view.rateTotal, count.total, 'the buckets add up to the window\'s events');
  const total = `${count.total.toLocaleString('en-US')} events`;
  assert.deepEqual(view.totals, [total, total], 'the panels\' totals');
  const active = await json(`${api}/api/repositories/active?limit=10&window=${minutes}&at=${view.to}`);
  assert.deepEqual(view.repositories,
                   active.repositories.map((row) => [row.repository, row.events]), 'active repositories');
  const [owner, name] = view.repository.split('/');
  const prs = await json(`${api}/api/repository/${owner}/${name}/avg_pr_time?window=${minutes}&at=${view.to}`);
  assert.equal(view.pullRequests, prs.pull_requests, `pull requests of ${view.repository}`);
  assert.equal(view.pullRequestsName, `· ${view.repository}`, 'the panel names its repository');
  assert.ok(view.types.length > 0 && view.feed.length > 0, 'every panel drawn');
  assert.doesNotMatch(view.label, /AM|PM/, '24-hour times');
  assert.match(view.label, /UTC/, 'the time zone is named');
  return { view, minutes };
}

// At a phone's width every column of the page's tables is at least as wide as the first
// 12 characters of each of its cells.
async function columnsReadable(page) {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d');
    const narrow = [];
    for (const cell of document.querySelectorAll('.feed td')) {
      const style = getComputedStyle(cell);
      canvas.font = `${style.fontSize} ${style.fontFamily}`;
      const needed = canvas.measureText(cell.textContent.slice(0, 12)).width;
      const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (room + 0.5 < needed) narrow.push(`${cell.textContent}: ${room} < ${needed}`);
    }
    return { narrow, scrollWidth: document.documentElement.scrollWidth };
  });
}

async function main() {
  if (!fs.existsSync(archiveHour)) {
    console.log('SKIP: ../shared/fixtures/github is absent: the recorded GH Archive hour is needed');
    process.exit(77);
  }
  fs.mkdirSync(artifacts, { recursive: true });
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ghm-browser-'));
  execFileSync(ghmonitor, ['--import', archiveHour, '--data-dir', data], { env: cleanEnvironment({}) });

  const github = await start(fakegithub, ['--era', '2024', '--rate', '3', '--poll-interval', '1'], process.env, /^(http\S+)/m);
  const service = await start(ghmonitor, ['--headless', '--data-dir', data],
    cleanEnvironment({ GITHUB_API_URL: github.url, COLLECTION_INTERVAL_SECONDS: '1' }),
    /API listening on (\S+)/);
  const api = service.url.replace(/\/$/, '');
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    const seen = watch(page, api);
    await page.goto(`${api}/dashboard`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('#feed tbody tr').length > 0);
    await page.evaluate(() => { window.sameDocument = true; });

    // New events from the stand-in reach the page within 5 s, without a reload (GitHub's
    // ids are not in time order across sources: the imported hour's are larger).
    const before = (await shown(page)).feed;
    await page.waitForFunction((ids) => {
      const first = document.querySelector('#feed tbody tr');
      return first && !ids.includes(first.dataset.id);
    }, { timeout: 5000 }, before);

    // The feed stops; once the page has caught up, each panel matches the API.
    await fetch(`${github.url}/_control/pause`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const first = await compareWithTheApi(page, api);
    assert.equal(first.minutes, 60);
    assert.equal(first.view.search, '?window=60', 'the URL names the window');

    // Another window redraws the charts in place.
    await page.click('[data-minutes="15"]');
    await page.waitForFunction((to) => {
      const label = document.getElementById('window-label').dataset;
      return (Date.parse(label.to) - Date.parse(label.from)) === 15 * 60000 && label.to === to;
    }, { timeout: 5000 }, first.view.to);
    const second = await compareWithTheApi(page, api);
    assert.equal(second.minutes, 15);
    assert.match(second.view.search, /window=15/);

    // All spans the stored events, first to last.
    await page.click('[data-minutes="all"]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('window') === 'all'
      && document.getElementById('window-label').textContent.includes('every stored event'), { timeout: 5000 });
    const all = await compareWithTheApi(page, api);
    const whole = await json(`${api}/api/dashboard?window=all`);
    assert.equal(all.view.from, whole.window.from);
    assert.equal(all.view.to, whole.window.to);
    assert.equal(all.view.rateTotal, whole.events_stored, 'All holds every stored event');

    // A link with a window shows that window.
    await page.goto(`${api}/dashboard?window=15`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.getElementById('window-label').dataset.minutes === '15', { timeout: 5000 });
    await page.evaluate(() => { window.sameDocument = true; });
    assert.ok(await page.evaluate(() => window.sameDocument === true), 'the page was not reloaded');

    // Polling costs the service nothing while its data stands still: 304s.
    const statuses = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/dashboard')) statuses.push(response.status());
    });
    await new Promise((resolve) => setTimeout(resolve, 4500));
    assert.ok(statuses.length >= 2 && statuses.every((status) => status === 304),
              `unchanged data is answered 304: ${statuses}`);

    await page.screenshot({ path: path.join(artifacts, 'dashboard.png') });

    // The API reference: the service's own document, readable in Swagger UI, every route.
    const docs = await browser.newPage();
    const docsSeen = watch(docs, api);
    await docs.setViewport({ width: 1200, height: 900 });
    await docs.goto(`${api}/api/docs`, { waitUntil: 'load' });
    await docs.waitForFunction(() => document.querySelectorAll('.opblock').length > 0, { timeout: 10000 });
    const documented = Object.keys((await json(`${api}/api/openapi.json`)).paths);
    const listed = await docs.$$eval('.opblock-summary-path', (paths) => paths.map((element) => element.dataset.path || element.textContent.replace(/\u200b/g, '')));
    for (const route of documented) assert.ok(listed.includes(route), `/api/docs lists ${route}: ${listed}`);
    await docs.screenshot({ path: path.join(artifacts, 'api-docs.png') });
    docsSeen.check();
    await docs.close();
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.screenshot({ path: path.join(artifacts, 'dashboard-dark.png') });
    await page.emulateMediaFeatures([]);
    await page.setViewport({ width: 360, height: 740, isMobile: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const phone = await columnsReadable(page);
    assert.deepEqual(phone.narrow, [], 'columns at 360 px');
    assert.ok(phone.scrollWidth <= 360, `the page fits 360 px: ${phone.scrollWidth}`);
    await page.screenshot({ path: path.join(artifacts, 'dashboard-phone.png'), fullPage: true });
    seen.check();

    // A service that goes away is an error shown on the page itself.
    await page.setViewport({ width: 1400, height: 1000 });
    await page.waitForFunction(() => document.querySelectorAll('#feed tbody tr').length > 0);
    await stop(service.child);
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    assert.match(await page.$eval('#error', (banner) => banner.textContent), /unreachable/);

    // With a token, the page asks for it and shows no data without it.
    const token = 'browser-test-token';
    const guarded = await start(ghmonitor, ['--headless', '--data-dir', data],
      cleanEnvironment({ GITHUB_API_URL: github.url, GHM_API_TOKEN: token }), /API listening on (\S+)/);
    const guardedApi = guarded.url.replace(/\/$/, '');
    const context = await browser.createBrowserContext();
    const signIn = await context.newPage();
    const guardedSeen = watch(signIn, guardedApi, ['401']);
    const answered = [];
    signIn.on('response', (response) => {
      if (response.url().includes('/api/')) answered.push(response.status());
    });
    await signIn.goto(`${guardedApi}/dashboard`, { waitUntil: 'load' });
    await signIn.waitForSelector('#signin:not([hidden])');
    assert.ok(await signIn.$eval('#panels', (panels) => panels.hidden), 'no panel without the token');
    assert.equal(await signIn.$$eval('#feed tbody tr', (rows) => rows.length), 0);
    assert.ok(answered.length > 0 && answered.every((status) => status === 401), `${answered}`);
    await signIn.screenshot({ path: path.join(artifacts, 'dashboard-signin.png') });

    await signIn.type('#token', token);
    await signIn.click('#signin button[type="submit"]');
    await signIn.waitForFunction(() => document.querySelectorAll('#feed tbody tr').length > 0);
    assert.equal(await signIn.evaluate(() => sessionStorage.getItem('ghmonitor-token')), token);
    assert.ok(!(await signIn.url()).includes(token), 'the token is never in a URL');
    const count = await json(`${guardedApi}/api/events/count?offset=60`, token);
    assert.ok(count.total >= 0);
    guardedSeen.check();
    console.log('dashboard: every check held; screenshots in', artifacts);
  } finally {
    await browser.close();
    for (const child of children) await stop(child);
    fs.rmSync(data, { recursive: true, force: true });
  }
}

main().catch(async (error) => {
  console.error(error);
  if (pageErrors.length) console.error('the page logged:', pageErrors);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
