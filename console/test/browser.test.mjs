// The console in a real browser: headless Debian chromium (playwright-core)
// against the real gateway, customer-svc and complaint-svc on a fresh
// database. A scripted scenario makes the data through the API; then every
// page loads with no console errors, a filter on the complaints board
// narrows the list (department, category, severity, handler, first
// responder, registration period), masked data stays masked, an expired or invalid token
// shows the sign-in message, API errors show the google.rpc.Status message,
// and the reporting pages say 报表服务暂不可用 while reporting-svc does not
// serve (this gateway has no --reporting_addr). A screenshot of each page
// goes to build/console-screenshots/.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {World, launchBrowser, ready, resetSeen, screenshot, unexpectedErrors, watchedPage} from './harness.mjs';
import {makeScenario} from './scenario.mjs';

const reportingDown = f => f.status === 503 && /\/v1\/(reports|reportSnapshots)/.test(f.url);
let w, s, browser, context, page;
const started = Date.now();

before(async () => {
  w = await World.start();
  [s, browser] = await Promise.all([makeScenario(w), launchBrowser()]);
  context = await browser.newContext({viewport: {width: 1440, height: 900}, locale: 'zh-CN', timezoneId: 'Asia/Shanghai'});
  context.setDefaultTimeout(20000);
  page = await watchedPage(context, w.base);
});

after(async () => {
  if (browser) await browser.close();
  if (w) {
    if (process.exitCode) w.dumpLogs();
    await w.stop();
  }
  console.log(`console_browser_test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

async function open(hash) {
  resetSeen(page);
  await page.goto(`${w.base}/console/${hash}`);
  await ready(page);
}

// Waits until the board has drawn its latest filter (the list is no longer
// loading: the click set data-loading before it returned) and counts rows.
async function boardSettled() {
  await page.waitForFunction(() => !document.querySelector('#complaint-list[data-loading]'));
  return page.$$eval('tr[data-complaint]', trs => trs.length);
}

function assertClean(expected) {
  assert.deepEqual(unexpectedErrors(page, expected), [], 'the page logged errors');
}

describe('web console', () => {
  test('without a token the sign-in form explains why, and a pasted token signs in', async () => {
    await open('#/complaints');
    await page.waitForSelector('#signin');
    assert.match(await page.textContent('#signin h1'), /请先登录/);
    assert.match(await page.textContent('#signin'), /UNAUTHENTICATED/);
    await screenshot(page, 'signin');
    assertClean(f => f.status === 401);
    resetSeen(page);
    await page.fill('#token-input', `Bearer ${s.tok.supervisor}`);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('main[data-page="complaints"][data-ready="true"]');
    assert.match(await page.textContent('#who'), /zhang\.min/);
    assertClean();
  });

  test('complaints board: open complaints by state, overdue and escalated first', async () => {
    await open('#/complaints');
    const rows = await page.$$eval('tr[data-complaint]', trs => trs.map(tr => tr.dataset.complaint));
    const open_ = ['service', 'packaging', 'quality', 'attitude'].map(k => s.complaints[k].name);
    assert.deepEqual([...rows].sort(), [...open_].sort(), 'the board lists the open complaints, not the closed one');
    const urgent = await page.$$eval('#urgent tr[data-complaint]', trs => trs.map(tr => tr.dataset.complaint));
    assert.deepEqual(urgent, [s.complaints.quality.name], 'the escalated, overdue complaint comes first');
    assert.match(await page.textContent('#urgent'), /已升级·主管/);
    assert.match(await page.textContent('#count-escalated'), /已升级 1/);
    assert.match(await page.textContent('#state-chips'), /移交 1/);
    await screenshot(page, 'complaints');
    assertClean();
  });

  test('a filter on the board narrows the list (and the address keeps it)', async () => {
    await open('#/complaints');
    const before_ = await page.$$eval('tr[data-complaint]', trs => trs.length);
    await page.selectOption('#complaint-filters select[name=department]', '仓储物流');
    await page.click('#complaint-filters button[type=submit]');
    assert.ok(await boardSettled() < before_);
    const after_ = await page.$$eval('tr[data-complaint]', trs => trs.map(tr => tr.dataset.complaint).sort());
    assert.deepEqual(after_, [s.complaints.packaging.name, s.complaints.attitude.name].sort());
    assert.match(page.url(), /department=%E4%BB%93%E5%82%A8%E7%89%A9%E6%B5%81/);
    // Another filter on top: severity.
    await page.selectOption('#complaint-filters select[name=severity]', 'SEVERITY_MAJOR');
    await page.click('#complaint-filters button[type=submit]');
    assert.equal(await boardSettled(), 1);
    assert.equal(await page.getAttribute('tr[data-complaint]', 'data-complaint'), s.complaints.packaging.name);
    // First responder: only wang.fang's complaint (the critical one).
    await page.click('#complaint-filters button:has-text("清除")');
    assert.equal(await boardSettled(), before_);
    await page.fill('#complaint-filters input[name=responder]', 'wang.fang');
    await page.click('#complaint-filters button[type=submit]');
    assert.equal(await boardSettled(), 1);
    assert.equal(await page.getAttribute('tr[data-complaint]', 'data-complaint'), s.complaints.quality.name);
    await screenshot(page, 'complaints-filtered');
    // Category: the quality complaint only.
    await page.click('#complaint-filters button:has-text("清除")');
    assert.equal(await boardSettled(), before_);
    await page.selectOption('#complaint-filters select[name=category]', 'quality');
    await page.click('#complaint-filters button[type=submit]');
    assert.equal(await boardSettled(), 1);
    assert.equal(await page.getAttribute('tr[data-complaint]', 'data-complaint'), s.complaints.quality.name);
    // Handler: the open complaints li.na handles, as the API lists them.
    await page.click('#complaint-filters button:has-text("清除")');
    assert.equal(await boardSettled(), before_);
    const all = await w.api('GET', '/v1/complaints?page_size=100', s.tok.supervisor);
    const handled = all.complaints.filter(c => c.handlerId === 'li.na' && !/CLOSED|REJECTED/.test(c.state)).map(c => c.name);
    assert.ok(handled.length > 0 && handled.length < before_);
    await page.fill('#complaint-filters input[name=handler]', 'li.na');
    await page.click('#complaint-filters button[type=submit]');
    assert.equal(await boardSettled(), handled.length);
    assert.deepEqual(await page.$$eval('tr[data-complaint]', trs => trs.map(tr => tr.dataset.complaint).sort()), handled.sort());
    // Registration period (Beijing days): today holds them all, tomorrow none.
    const day = offset => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
    await page.click('#complaint-filters button:has-text("清除")');
    assert.equal(await boardSettled(), before_);
    await page.fill('#complaint-filters input[name=from]', day(0));
    await page.fill('#complaint-filters input[name=to]', day(0));
    await page.click('#complaint-filters button[type=submit]');
    assert.equal(await boardSettled(), before_);
    await page.fill('#complaint-filters input[name=from]', day(1));
    await page.fill('#complaint-filters input[name=to]', day(1));
    await page.click('#complaint-filters button[type=submit]');
    assert.equal(await boardSettled(), 0);
    assert.match(await page.textContent('#complaint-list'), /没有符合条件的投诉/);
    assertClean();
  });

  test("a complaint's detail: deadlines, department clocks, timeline, masked archive", async () => {
    const c = s.complaints.attitude;
    await open(`#/complaints/${c.name.split('/')[1]}`);
    assert.match(await page.textContent('h1'), new RegExp(c.complaintNumber));
    const kinds = await page.$$eval('#deadlines tr[data-kind]', trs => trs.map(tr => tr.dataset.kind).sort());
    assert.deepEqual(kinds, ['DEADLINE_KIND_ACKNOWLEDGE', 'DEADLINE_KIND_HANDLING_OPINION', 'DEADLINE_KIND_INVESTIGATED']);
    assert.match(await page.textContent('#deadlines'), /按时完成/, 'the acknowledge deadline was met');
    assert.match(await page.textContent('#department-clocks'), /客服部/, 'the department that held it before the transfer');
    const actions = await page.$$eval('#timeline li', lis => lis.map(li => li.dataset.action));
    assert.deepEqual(actions, ['register', 'accept', 'transfer']);
    assert.match(await page.textContent('#timeline'), /移交仓储物流处理/);
    // The archive as the API returns it to this caller: masked, untouched.
    const api = await w.api('GET', `/v1/${s.customers[0].name}`, s.tok.supervisor);
    assert.equal(api.masked, true);
    const phone = api.contacts[0].phones[0];
    assert.match(phone, /\*{4}/);
    assert.equal((await page.textContent('#contacts td.mono')).trim(), phone);
    assert.ok(!(await page.textContent('main')).includes('13800000001'), 'an unmasked phone is on the page');
    assert.ok(!page.seen.requests.some(u => /CUSTOMER_VIEW_FULL|view=2/.test(u)), 'the console asked for the FULL view');
    await screenshot(page, 'complaint-detail');
    assertClean();
  });

  test('the escalated complaint shows its breach and escalation', async () => {
    await open(`#/complaints/${s.complaints.quality.name.split('/')[1]}`);
    assert.match(await page.textContent('#escalations'), /主管/);
    assert.match(await page.textContent('#deadlines'), /已逾期/);
    assert.match(await page.textContent('#timeline'), /超时|升级/);
    await screenshot(page, 'complaint-escalated');
    assertClean();
  });

  test('an API error shows the google.rpc.Status message', async () => {
    await open('#/complaints/999999');
    const box = await page.textContent('[role=alert]');
    assert.match(box, /NOT_FOUND/);
    const status = await w.api('GET', '/v1/complaints/999999', s.tok.supervisor, undefined, 404);
    assert.ok(box.includes(status.message), `the page shows "${status.message}"`);
    assertClean(f => f.status === 404 && f.url.includes('/v1/complaints/999999'));
  });

  test('return visits: due and overdue per staff member and team', async () => {
    await open('#/visits');
    // The supervisor's own list is empty; the team's is not.
    await page.selectOption('#visit-filters select[name=team]', 'kf-east');
    await page.click('#visit-filters button[type=submit]');
    await page.waitForSelector('#due-visits tr[data-plan]');
    const plans = await page.$$eval('#due-visits tr[data-plan]', trs => trs.length);
    const overdue = await page.$$eval('#due-visits tr.overdue', trs => trs.length);
    assert.equal(plans, 3, 'the three never-visited plans are due');
    assert.equal(overdue, 3);
    const staff = await page.$$eval('#staff-summary tr[data-staff]', trs => trs.map(tr => tr.dataset.staff).sort());
    assert.deepEqual(staff, ['li.na', 'wang.fang'], 'grouped per owner (fair allocation in the team)');
    assert.match(await page.textContent('#team-summary tr[data-team="kf-east"]'), /3/);
    // 30 days ahead: the new projects' first visits appear too.
    await page.selectOption('#visit-filters select[name=horizon]', '30');
    await page.click('#visit-filters button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#due-visits tr[data-plan]').length === 6);
    await screenshot(page, 'visits');
    assertClean();
  });

  test('reporting pages say 报表服务暂不可用 while reporting-svc does not serve', async () => {
    for (const [hash, name] of [['#/dashboard', 'dashboard'], ['#/dashboard?kind=week', 'dashboard-week'],
      ['#/ranking', 'ranking'], ['#/snapshots/1', 'snapshot']]) {
      await open(hash);
      const box = await page.textContent('#report-unavailable');
      assert.match(box, /报表服务暂不可用/, hash);
      assert.match(box, /UNAVAILABLE/, hash);
      await screenshot(page, `${name}-unavailable`);
      assertClean(reportingDown);
    }
  });

  test('behind a single-sign-on proxy that adds the authorization header, nothing is pasted', async () => {
    // What the proxy does to every request it forwards (docs/operations.md).
    const ctx = await browser.newContext({viewport: {width: 1440, height: 900}, locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai', extraHTTPHeaders: {authorization: `Bearer ${s.tok.supervisor}`}});
    const p = await watchedPage(ctx, w.base);
    await p.goto(`${w.base}/console/#/complaints`);
    await ready(p);
    assert.equal(await p.$('#signin'), null);
    assert.equal(await p.$$eval('tr[data-complaint]', trs => trs.length), 4);
    assert.match(await p.textContent('#who'), /未粘贴令牌/);
    assert.equal(await p.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(unexpectedErrors(p), []);
    await ctx.close();
  });

  test('an expired token shows the sign-in message, not a blank page', async () => {
    const expired = w.expiredToken('zhang.min', 'supervisor', '客服部');
    const ctx = await browser.newContext({viewport: {width: 1440, height: 900}, locale: 'zh-CN', timezoneId: 'Asia/Shanghai'});
    const p = await watchedPage(ctx, w.base);
    // The tab's sessionStorage holds it, as if pasted earlier.
    await p.goto(`${w.base}/console/`);
    await p.waitForSelector('#signin');
    await p.evaluate(t => sessionStorage.setItem('csm.console.token', t), expired);
    resetSeen(p);
    for (const hash of ['#/complaints', '#/visits', '#/dashboard']) {
      await p.goto(`${w.base}/console/${hash}`);
      await p.waitForSelector('#signin');
      assert.match(await p.textContent('#signin h1'), /登录已过期/, hash);
      assert.match(await p.textContent('#signin'), /token expired/, hash);
    }
    await screenshot(p, 'expired-token');
    // A token the services did not sign (valid until 2100).
    const forged = `${expired.split('.').slice(0, 1)}.${Buffer.from(JSON.stringify({sub: 'x', exp: 4102444800})).toString('base64url')}.bad`;
    await p.evaluate(t => sessionStorage.setItem('csm.console.token', t), forged);
    await p.reload();
    await p.waitForSelector('#signin');
    assert.match(await p.textContent('#signin h1'), /令牌无效/);
    assert.deepEqual(unexpectedErrors(p, f => f.status === 401 || reportingDown(f)), []);
    await ctx.close();
  });
});
