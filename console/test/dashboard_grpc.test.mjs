// The dashboard shows the figures the gRPC report returns for the same
// period: the scenario's events flow to reporting-svc, then the supervision
// report is read twice, from the page (through the gateway, in chromium)
// and from reporting-svc over gRPC (csmctl), and every KPI cell of every
// department row is compared, as are the freshness rows and the CSV.
//
// Needs a reporting-svc binary at $BUILD_DIR/reporting-svc/reporting-svc;
// until one is built the test is skipped (exit 77, ctest SKIP_RETURN_CODE)
// with the reason printed.
import fs from 'node:fs';
import {reportingBin} from './harness.mjs';

if (!fs.existsSync(reportingBin)) {
  console.log(`SKIP console_dashboard_grpc_test: no reporting-svc binary at ${reportingBin}; ` +
    'the dashboard-vs-gRPC comparison runs once reporting-svc is built');
  process.exit(77);
}

const assert = (await import('node:assert/strict')).default;
const {after, before, test} = await import('node:test');
const {World, launchBrowser, ready, screenshot, unexpectedErrors, watchedPage} = await import('./harness.mjs');
const {makeScenario} = await import('./scenario.mjs');
const {KPI, kpiText} = await import('../src/js/figures.js');
const {current} = await import('../src/js/period.js');

let w, s, browser, page;
const month = current('month');
const request = {period: {kind: 'PERIOD_KIND_MONTH', year: month.year, number: month.number}};

before(async () => {
  w = await World.start({reporting: true});
  [s, browser] = await Promise.all([makeScenario(w), launchBrowser()]);
  page = await watchedPage(await browser.newContext({viewport: {width: 1440, height: 900}, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', acceptDownloads: true}));
});

after(async () => {
  if (browser) await browser.close();
  if (w) {
    if (process.exitCode) w.dumpLogs();
    await w.stop();
  }
});

// reporting-svc follows the event streams: wait until it has applied the
// scenario (every registration counted in this month's report).
async function settledReport() {
  const received = Object.keys(s.complaints).length;
  const deadline = Date.now() + 60000;
  for (;;) {
    const r = await w.grpc(w.reporting.addr, 'csm.reporting.v1.ReportService/GetSupervisionReport', request, s.tok.gm);
    if (Number((r.total || {}).complaintsReceived || 0) >= received) return r;
    if (Date.now() > deadline) throw new Error(`reporting-svc did not catch up within 60 s: ${JSON.stringify(r.total)}`);
    await new Promise(res => setTimeout(res, 500));
  }
}

test('the dashboard shows the figures of the gRPC supervision report', async () => {
  const grpc = await settledReport();
  await page.addInitScript(t => sessionStorage.setItem('csm.console.token', t), s.tok.gm);
  await page.goto(`${w.base}/console/#/dashboard?kind=month&period=${month.year}-${String(month.number).padStart(2, '0')}`);
  await ready(page);
  await page.waitForSelector('#kpi-table');
  const shown = await page.$$eval('#kpi-table tbody tr', trs => trs.map(tr => ({
    department: tr.dataset.department,
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-figure]')].map(td => [td.dataset.figure, td.textContent.trim()])),
  })));
  const want = [...grpc.departments, {...grpc.total, department: '合计'}];
  assert.deepEqual(shown.map(r => r.department), want.map(r => r.department));
  for (const [i, row] of want.entries()) {
    for (const k of KPI) assert.equal(shown[i].cells[k.figure], kpiText(row, k), `${row.department} ${k.figure}`);
  }
  // Freshness: the same sources and sequences (the figures' basis).
  const seqs = await page.$$eval('#freshness tr[data-source]', trs => trs.map(tr => [tr.dataset.source, tr.children[1].textContent]));
  assert.deepEqual(seqs.sort(), grpc.freshness.sources.map(f => [f.source, `#${f.lastAppliedSequence}`]).sort());
  // The CSV link downloads the report's CSV.
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.click('#csv-links button[data-report="reports/supervision"]')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  const grpcCsv = await w.grpc(w.reporting.addr, 'csm.reporting.v1.ReportService/GetSupervisionReport',
    {...request, format: 'REPORT_FORMAT_CSV'}, s.tok.gm);
  assert.equal(download.suggestedFilename(), grpcCsv.csv.filename);
  assert.equal(csv, grpcCsv.csv.text);
  await screenshot(page, 'dashboard');
  assert.deepEqual(unexpectedErrors(page), []);
});
