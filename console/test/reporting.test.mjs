// The reporting pages with reporting-svc serving, in headless chromium
// against the real gateway, services and MariaDB. The scenario's events
// flow to reporting-svc; then each page is read and compared with what
// reporting-svc returns over gRPC (csmctl) for the same request:
// - 监督看板 (a month, a week, one department): every KPI cell of every
//   department row and the chart's bars; the 12-period trend line chart;
//   SLA breaches charged per department; freshness per source; every CSV
//   link downloads the report's CSV;
// - 考核排名 for the quarter: places, staff, scores and tiers, places 1-3
//   and 4-8 marked and the 9th not;
// - stored snapshots: listed as ListReportSnapshots lists them, each viewable,
//   and one shows the report as it was when taken while the live report has
//   moved on.
// Each page loads with no console errors and is screenshotted under build/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, before, describe, test} from 'node:test';
import {World, chartOption, launchBrowser, ready, resetSeen, screenshot, unexpectedErrors, watchedPage} from './harness.mjs';
import {makeRankedAgents, makeScenario} from './scenario.mjs';
import {KPI, kpiText, pct} from '../src/js/figures.js';
import {count, time} from '../src/js/format.js';
import {current, text} from '../src/js/period.js';

let w, s, browser, page;
const started = Date.now();
const SCHEDULE = 'reportSchedules/console-week';

const grpcPeriod = p => ({kind: `PERIOD_KIND_${p.kind.toUpperCase()}`, year: p.year, number: p.number});
const grpc = (method, request) => w.grpc(w.reporting.addr, `csm.reporting.v1.${method}`, request, s.tok.gm);

async function until(what, probe, ms = 60000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise(r => setTimeout(r, 500));
  }
}

// reporting-svc follows the event streams: wait until this month's report
// counts every registration and the quarter's ranking every accepted one.
async function settled(received) {
  const month = {period: grpcPeriod(current('month'))};
  await until('reporting-svc catches up', async () => {
    const [r, rank] = await Promise.all([grpc('ReportService/GetSupervisionReport', month),
      grpc('ReportService/GetStaffRanking', {period: grpcPeriod(current('quarter'))})]);
    return Number(r.total.complaintsReceived) >= received && rank.entries.length >= 9;
  });
}

before(async () => {
  w = await World.start({reporting: true, reportingArgs: ['--snapshot_interval_seconds=1']});
  [s, browser] = await Promise.all([makeScenario(w), launchBrowser()]);
  await makeRankedAgents(w, s);
  await settled(Object.keys(s.complaints).length);
  // A snapshot of this week's supervision report, taken now (the job runs
  // every second here): weekly on today's Beijing weekday at 00:00.
  const weekday = new Date(Date.now() + 8 * 3600e3).getUTCDay() || 7;
  await w.api('POST', '/v1/reportSchedules?report_schedule_id=console-week', s.tok.archivist, {
    displayName: '本周服务监督报告', report: 'REPORT_KIND_SUPERVISION', frequency: 'SCHEDULE_FREQUENCY_WEEKLY',
    weekday, timeOfDay: '00:00', period: 'SCHEDULE_PERIOD_CURRENT', active: true});
  await until('the snapshot job takes console-week', async () =>
    (await grpc('ReportSnapshotService/ListReportSnapshots', {pageSize: 20})).reportSnapshots.some(x => x.schedule === SCHEDULE));
  const context = await browser.newContext({viewport: {width: 1440, height: 900}, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', acceptDownloads: true});
  context.setDefaultTimeout(20000);
  await context.addInitScript(t => sessionStorage.setItem('csm.console.token', t), s.tok.gm);
  page = await watchedPage(context, w.base);
});

after(async () => {
  if (browser) await browser.close();
  if (w) {
    if (process.exitCode) w.dumpLogs();
    await w.stop();
  }
  console.log(`console_reporting_test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

async function open(hash) {
  resetSeen(page);
  await page.goto(`${w.base}/console/${hash}`);
  await ready(page);
}

function assertClean() {
  assert.deepEqual(unexpectedErrors(page), [], 'the page logged errors');
}

// The KPI table as shown, against the report's department rows and total.
async function assertKpiTable(report) {
  const shown = await page.$$eval('#kpi-table tbody tr', trs => trs.map(tr => ({
    department: tr.dataset.department,
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-figure]')].map(td => [td.dataset.figure, td.textContent.trim()])),
  })));
  const want = [...report.departments, {...report.total, department: '合计'}];
  assert.deepEqual(shown.map(r => r.department), want.map(r => r.department));
  for (const [i, row] of want.entries()) {
    for (const k of KPI) assert.equal(shown[i].cells[k.figure], kpiText(row, k), `${row.department} ${k.figure}`);
  }
}

// `min`: sources that must have applied events (a snapshot taken at
// start-up, before the followers caught up, has none).
async function assertFreshness(freshness, min = 2) {
  const shown = await page.$$eval('#freshness tr[data-source]', trs => trs.map(tr =>
    [tr.dataset.source, ...[...tr.children].slice(1, 4).map(td => td.textContent.trim())]));
  const want = freshness.sources.map(f => [f.source, `#${f.lastAppliedSequence}`, time(f.lastEventTime), time(f.applyTime)]);
  assert.ok(want.length >= min, 'the sources have applied events');
  assert.deepEqual(shown.sort(), want.sort());
}

const DASHBOARDS = [
  {name: 'dashboard', p: current('month'), department: ''},
  {name: 'dashboard-week', p: current('week'), department: ''},
  {name: 'dashboard-department', p: current('month'), department: '客服部'},
];

describe('reporting pages with reporting-svc serving', () => {
  for (const view of DASHBOARDS) {
    test(`${view.name}: the supervision report, trend, SLA breaches and freshness are gRPC's`, async () => {
      const request = {period: grpcPeriod(view.p), ...(view.department ? {filter: {departments: [view.department]}} : {})};
      const [report, analysis, sla] = await Promise.all([grpc('ReportService/GetSupervisionReport', request),
        grpc('ComplaintReportService/GetComplaintAnalysis', {...request, trendPeriods: 12,
          dimensions: ['COMPLAINT_DIMENSION_DEPARTMENT']}),
        grpc('ComplaintReportService/GetSlaAccountability', request)]);
      await open(`#/dashboard?kind=${view.p.kind}&period=${text(view.p)}` +
        (view.department ? `&department=${encodeURIComponent(view.department)}` : ''));
      assert.ok(report.departments.length > 0, 'the scenario has figures in this period');
      await assertKpiTable(report);
      // The KPI chart: a bar per department and rate.
      const kpi = await chartOption(page, '#kpi-chart');
      assert.deepEqual(kpi.xAxis[0].data, report.departments.map(d => d.department));
      const rates = KPI.filter(k => k.kind === 'ratio').slice(0, 4);
      assert.deepEqual(kpi.series.map(x => [x.type, x.name]), rates.map(k => ['bar', k.title]));
      for (const [i, k] of rates.entries()) assert.deepEqual(kpi.series[i].data, report.departments.map(d => pct(d[k.key])));
      // The complaint trend over the last 12 periods, as a line chart.
      const trend = await chartOption(page, '#trend-chart');
      assert.equal(analysis.trend.length, 12);
      assert.deepEqual(trend.xAxis[0].data, analysis.trend.map(t => t.period.label));
      assert.ok(trend.series.every(x => x.type === 'line'));
      const received = trend.series.find(x => x.name === '收到');
      assert.deepEqual(received.data, analysis.trend.map(t => Number(t.figures.received || 0)));
      assert.equal(received.data.at(-1), Number(report.total.complaintsReceived), 'the last point is this period');
      // SLA breaches charged per department.
      const slaRows = await page.$$eval('#sla-table tr[data-department]', trs => trs.map(tr =>
        [tr.dataset.department, tr.children[1].textContent.trim()]));
      assert.deepEqual(slaRows, sla.departments.map(d => [d.department, count(d.breachedComplaints)]));
      if (!view.department) {
        assert.ok(sla.departments.some(d => Number(d.breachedComplaints) > 0), 'the escalated complaint is charged');
        const bars = await chartOption(page, '#sla-chart');
        assert.deepEqual(bars.xAxis[0].data, sla.departments.map(d => d.department));
        assert.deepEqual(bars.series.find(x => x.name === '受理超时').data,
          sla.departments.map(d => Number(d.acknowledgeBreaches || 0)));
      }
      await assertFreshness(report.freshness);
      await screenshot(page, view.name);
      assertClean();
    });
  }

  test('every CSV link downloads the CSV the gRPC report returns', async () => {
    const p = current('month');
    const request = {period: grpcPeriod(p), format: 'REPORT_FORMAT_CSV'};
    const METHODS = {
      'reports/supervision': ['ReportService/GetSupervisionReport', {}],
      'reports/weekly': ['ReportService/GetWeeklyReport', {}],
      'reports/complaintAnalysis': ['ComplaintReportService/GetComplaintAnalysis', {trendPeriods: 12}],
      'reports/slaAccountability': ['ComplaintReportService/GetSlaAccountability', {}],
      'reports/satisfaction': ['ComplaintReportService/GetSatisfactionReport', {}],
      'reports/returnVisits': ['CustomerReportService/GetReturnVisitReport', {}],
    };
    await open(`#/dashboard?kind=month&period=${text(p)}`);
    const buttons = await page.$$eval('#csv-links button[data-report]', bs => bs.map(b => b.dataset.report));
    assert.deepEqual(buttons, Object.keys(METHODS));
    for (const report of buttons) {
      const [method, extra] = METHODS[report];
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#csv-links button[data-report="${report}"]`)]);
      const want = (await grpc(method, {...request, ...extra})).csv;
      assert.equal(download.suggestedFilename(), want.filename, report);
      assert.equal(fs.readFileSync(await download.path(), 'utf8'), want.text, report);
    }
    assertClean();
  });

  test('考核排名: the quarter ranking as gRPC ranks it, places 1-3 and 4-8 marked', async () => {
    const q = current('quarter');
    const ranking = await grpc('ReportService/GetStaffRanking', {period: grpcPeriod(q)});
    await open(`#/ranking?year=${q.year}&quarter=${q.number}`);
    const rows = await page.$$eval('#ranking-table tbody tr', trs => trs.map(tr => ({
      place: Number(tr.dataset.place), staff: tr.dataset.staff, tier: tr.dataset.tier, cls: tr.className,
      badge: tr.children[1].textContent.trim(), score: tr.querySelector('td.score').textContent.trim()})));
    assert.ok(ranking.entries.length >= 9, 'nine staff are ranked');
    assert.deepEqual(rows.map(r => [r.place, r.staff, r.score, r.tier]),
      ranking.entries.map(e => [e.place, e.staffId, Number(e.score).toFixed(2), e.tier]));
    for (const r of rows) {
      const want = r.place <= 3 ? ['tier-gold', '一等'] : r.place <= 8 ? ['tier-silver', '二等'] : ['', ''];
      assert.deepEqual([r.cls, r.badge], want, `place ${r.place}`);
    }
    assert.deepEqual(rows.map(r => r.place), rows.map((_, i) => i + 1));
    const chart = await chartOption(page, '#ranking-chart');
    assert.deepEqual(chart.series[0].data, [...ranking.entries].reverse().map(e => Number(e.score)));
    await assertFreshness(ranking.freshness);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-report="reports/staffRanking"]')]);
    const csv = (await grpc('ReportService/GetStaffRanking', {period: grpcPeriod(q), format: 'REPORT_FORMAT_CSV'})).csv;
    assert.equal(fs.readFileSync(await download.path(), 'utf8'), csv.text);
    await screenshot(page, 'ranking');
    assertClean();
  });

  test('the dashboard lists the stored snapshots, and each is viewable', async () => {
    const list = (await grpc('ReportSnapshotService/ListReportSnapshots', {pageSize: 20})).reportSnapshots;
    await open(`#/dashboard?kind=month&period=${text(current('month'))}`);
    const shown = await page.$$eval('#snapshot-list tr[data-snapshot]', trs => trs.map(tr => tr.dataset.snapshot));
    assert.deepEqual(shown, list.map(x => x.name));
    for (const name of shown) {
      const id = name.replace(/^reportSnapshots\//, '');
      await open(`#/snapshots/${encodeURIComponent(id)}`);
      const snap = await grpc('ReportSnapshotService/GetReportSnapshot', {name});
      assert.match(await page.textContent('h1'), new RegExp(snap.period.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      if (snap.supervisionReport) {
        if (snap.supervisionReport.departments.length) await assertKpiTable(snap.supervisionReport);
        await assertFreshness(snap.supervisionReport.freshness, 0);
      }
      await screenshot(page, `snapshot-${id}`);
      assertClean();
    }
  });

  test('a snapshot shows the report as it was when taken, while the live report moves on', async () => {
    const list = (await grpc('ReportSnapshotService/ListReportSnapshots', {pageSize: 20})).reportSnapshots;
    const {name} = list.find(x => x.schedule === SCHEDULE);
    const snap = await grpc('ReportSnapshotService/GetReportSnapshot', {name});
    const then = Number(snap.supervisionReport.total.complaintsReceived);
    assert.ok(then > 0);
    // One more complaint after the snapshot.
    await w.api('POST', '/v1/complaints?request_id=console-after-snapshot', s.tok.agent, {
      channel: 'COMPLAINT_CHANNEL_PHONE_HOTLINE', customer: s.customers[0].name, category: 'service',
      severity: 'SEVERITY_NORMAL', subject: '快照之后的投诉', description: '快照生成后登记。', matterReference: 'AFTER-1'});
    const week = {period: grpcPeriod(current('week'))};
    await until('the live report counts it', async () =>
      Number((await grpc('ReportService/GetSupervisionReport', week)).total.complaintsReceived) === then + 1);
    await open(`#/snapshots/${encodeURIComponent(name.replace(/^reportSnapshots\//, ''))}`);
    await assertKpiTable(snap.supervisionReport);
    await assertFreshness(snap.supervisionReport.freshness);
    assert.equal(await page.textContent('#kpi-table tr.total td[data-figure="complaints_received"]'), String(then));
    await screenshot(page, 'snapshot-as-taken');
    assertClean();
    await open(`#/dashboard?kind=week&period=${text(current('week'))}`);
    assert.equal(await page.textContent('#kpi-table tr.total td[data-figure="complaints_received"]'), String(then + 1));
    assertClean();
  });
});
