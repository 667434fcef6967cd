// The console tests' world, as the gateway's e2e harness builds it
// (gateway/e2e/harness_test.go): a fresh database per service on the ctest
// fixture's MariaDB (CSM_TEST_MYSQL_SOCKET), the real customer-svc,
// complaint-svc (and reporting-svc, when asked) binaries on free ports
// (port 0, read back from their "serving" log line), the real csm-gateway in
// front of them serving the built console, tokens from the real csm-token,
// and headless Debian chromium driven by playwright-core.
import {execFile, spawn} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);
export const JWT_SECRET = 'csm-console-test-secret-not-for-production';
export const JWT_ISSUER = 'csm-test';
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const buildDir = path.resolve(process.env.CSM_BUILD_DIR || path.join(root, 'build'));
export const consoleDir = process.env.CSM_CONSOLE_DIR || path.join(buildDir, 'console');
export const screenshotDir = process.env.CSM_SCREENSHOT_DIR || path.join(buildDir, 'console-screenshots');
export const reportingBin = path.join(buildDir, 'reporting-svc', 'reporting-svc');
const socket = process.env.CSM_TEST_MYSQL_SOCKET;

// One started binary; its output is kept for failure reports.
class Proc {
  constructor(name, bin, args) {
    this.name = name;
    this.log = [];
    this.child = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']});
    this.exited = new Promise(resolve => this.child.on('exit', (code, signal) => resolve({code, signal})));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not log "serving" within 60 s`)), 60000);
      const onLine = line => {
        this.log.push(line);
        let m;
        try { m = JSON.parse(line); } catch { return; }
        if (typeof m.msg === 'string' && /serving$/.test(m.msg) && m.address) {
          clearTimeout(timer);
          resolve(m.address);
        }
      };
      for (const stream of [this.child.stdout, this.child.stderr]) {
        let buf = '';
        stream.setEncoding('utf8');
        stream.on('data', chunk => {
          buf += chunk;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
        });
      }
      this.exited.then(({code, signal}) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited during start-up (code ${code}, signal ${signal})`));
      });
    });
    this.child.on('error', err => this.log.push(`spawn error: ${err.message}`));
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15000);
    await this.exited;
    clearTimeout(t);
  }

  tail(n = 20) {
    return this.log.slice(-n).join('\n');
  }
}

export function requireEnvironment(reporting = false) {
  if (!socket) throw new Error('CSM_TEST_MYSQL_SOCKET is not set: run through ctest (fixture mariadb)');
  for (const f of [path.join(buildDir, 'customer-svc/customer-svc'), path.join(buildDir, 'complaint-svc/complaint-svc'),
    path.join(buildDir, 'gateway/csm-gateway'), path.join(buildDir, 'tools/csm-token'), path.join(consoleDir, 'index.html'),
    ...(reporting ? [reportingBin, path.join(buildDir, 'tools/csmctl')] : [])]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: build first (bash scripts/build.sh)`);
  }
  if (!fs.existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: run scripts/install-deps.sh');
}

export class World {
  constructor() {
    this.procs = [];
    this.databases = [];
    this.tokens = new Map();
  }

  // reporting: also reporting-svc, started with reportingArgs.
  static async start({reporting = false, reportingArgs = []} = {}) {
    requireEnvironment(reporting);
    const w = new World();
    try {
      await w.#startAll(reporting, reportingArgs);
    } catch (err) {
      w.dumpLogs();
      await w.stop();
      throw err;
    }
    return w;
  }

  async #startAll(reporting, reportingArgs) {
    const [customerDb, complaintDb, reportingDb] = await Promise.all([
      this.createDatabase(), this.createDatabase(), reporting ? this.createDatabase() : null]);
    this.db = {customer: customerDb, complaint: complaintDb, reporting: reportingDb};
    const common = db => ['--listen_address=127.0.0.1:0', '--metrics_address=', `--mysql_socket=${socket}`,
      '--mysql_user=root', `--mysql_database=${db}`, '--mysql_pool_size=4', `--jwt_secret=${JWT_SECRET}`,
      `--jwt_issuer=${JWT_ISSUER}`, '--shutdown_grace_seconds=1'];
    this.customer = await this.#start('customer-svc', [...common(customerDb), '--visit_sweep_interval_seconds=0']);
    // A one-second escalation sweep: a complaint whose deadline the test
    // moves into the past is breached and escalated at once.
    this.complaint = await this.#start('complaint-svc', [...common(complaintDb), `--customer_address=${this.customer.addr}`,
      '--escalation_sweep_interval_seconds=1']);
    if (reporting) {
      // The event sources reporting-svc follows (its flags: reporting-svc --help).
      this.reporting = await this.#start('reporting-svc', [...common(reportingDb),
        `--customer_address=${this.customer.addr}`, `--complaint_address=${this.complaint.addr}`, ...reportingArgs],
      reportingBin);
    }
    const gw = new Proc('csm-gateway', path.join(buildDir, 'gateway/csm-gateway'), [
      '--listen=127.0.0.1:0', `--customer_addr=${this.customer.addr}`, `--complaint_addr=${this.complaint.addr}`,
      `--reporting_addr=${reporting ? this.reporting.addr : ''}`, '--default_timeout=10s',
      `--console_dir=${consoleDir}`, '--shutdown_grace=2s']);
    this.procs.push(gw);
    gw.addr = await gw.ready;
    this.gateway = gw;
    this.base = `http://${gw.addr}`;
  }

  async #start(name, args, bin = path.join(buildDir, name, name)) {
    const p = new Proc(name, bin, args);
    this.procs.push(p);
    p.addr = await p.ready;
    return p;
  }

  async sql(statement, database = '') {
    const args = ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch', '--skip-column-names', '-e', statement];
    if (database) args.push(database);
    const {stdout} = await run('mariadb', args);
    return stdout;
  }

  async createDatabase() {
    const name = `console_${crypto.randomBytes(6).toString('hex')}`;
    await this.sql(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    this.databases.push(name);
    return name;
  }

  // A bearer token from the real csm-token tool.
  async token(staff, roles, department, ttl = '1h') {
    const key = [staff, roles, department, ttl].join('|');
    if (!this.tokens.has(key)) {
      const {stdout} = await run(path.join(buildDir, 'tools/csm-token'), [`--secret=${JWT_SECRET}`, `--issuer=${JWT_ISSUER}`,
        `--staff=${staff}`, `--roles=${roles}`, `--department=${department}`, `--ttl=${ttl}`]);
      this.tokens.set(key, stdout.trim());
    }
    return this.tokens.get(key);
  }

  // A token signed with the services' secret whose expiry has passed (an
  // hour ago: beyond any clock-skew leeway).
  expiredToken(staff, roles, department) {
    const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const head = b64({alg: 'HS256', typ: 'JWT'});
    const body = b64({sub: staff, roles: roles.split(','), dept: department, iss: JWT_ISSUER, iat: now - 7200, exp: now - 3600});
    const sig = crypto.createHmac('sha256', JWT_SECRET).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  // One REST call through the gateway; throws unless the status is `want`.
  async api(method, url, token, body, want = 200) {
    const res = await fetch(this.base + url, {method, headers: {
      authorization: `Bearer ${token}`, 'content-type': 'application/json'}, body: body ? JSON.stringify(body) : undefined});
    const text = await res.text();
    if (res.status !== want) throw new Error(`${method} ${url}: HTTP ${res.status}, want ${want}: ${text}`);
    return text ? JSON.parse(text) : {};
  }

  // A gRPC call with the real csmctl (proto3 JSON out).
  async grpc(addr, method, request, token) {
    const {stdout} = await run(path.join(buildDir, 'tools/csmctl'), [`--addr=${addr}`, `--token=${token}`,
      '--emit_defaults', 'call', method, JSON.stringify(request)], {maxBuffer: 64 << 20});
    return JSON.parse(stdout);
  }

  dumpLogs() {
    for (const p of this.procs) process.stderr.write(`---- last lines of ${p.name}\n${p.tail()}\n`);
  }

  async stop() {
    for (const p of [...this.procs].reverse()) await p.stop();
    for (const db of this.databases) await this.sql(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => {});
  }
}

// Headless Debian chromium (the flags cpp.md lists: no sandbox as root, no
// background networking on this closed network).
export async function launchBrowser() {
  const {chromium} = await import('playwright-core');
  return chromium.launch({executablePath: '/usr/bin/chromium', headless: true, timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--lang=zh-CN']});
}

// A page that records what would tell a person something is wrong: uncaught
// errors, console errors, failed requests, and every URL it asked for
// (each must be the gateway's, `origin`: no CDN, the console works offline).
export async function watchedPage(context, origin) {
  const page = await context.newPage();
  const seen = {errors: [], failures: [], requests: [], downloads: []};
  page.origin = new URL(origin).origin;
  page.on('pageerror', err => seen.errors.push(`uncaught: ${err.message}`));
  page.on('console', msg => {
    if (msg.type() === 'error') seen.errors.push(`console: ${msg.text()}`);
  });
  page.on('request', r => seen.requests.push(r.url()));
  page.on('response', r => {
    if (r.status() >= 400) seen.failures.push({status: r.status(), url: r.url()});
  });
  // ERR_ABORTED: the console cancelled it (a newer render, the sign-in form).
  page.on('requestfailed', r => {
    const why = r.failure() ? r.failure().errorText : '';
    if (why !== 'net::ERR_ABORTED') seen.errors.push(`request failed: ${r.url()} ${why}`);
  });
  page.seen = seen;
  return page;
}

// The errors left once the expected HTTP failures are accounted for
// (Chromium logs "Failed to load resource" for every 4xx/5xx fetch, so each
// such line must match a failure `expected(failure)` allows), and the
// requests the console must never make.
export function unexpectedErrors(page, expected = () => false) {
  const allowed = page.seen.failures.filter(expected);
  const others = page.seen.failures.filter(f => !expected(f));
  const errors = page.seen.errors.filter(e => {
    const m = /Failed to load resource: the server responded with a status of (\d+)/.exec(e);
    return !(m && allowed.some(f => f.status === Number(m[1])));
  });
  const elsewhere = page.seen.requests.filter(u => !/^(blob|data):/.test(u) && new URL(u).origin !== page.origin);
  // The console never asks for the FULL view of personal data on its own.
  const full = page.seen.requests.filter(u => /CUSTOMER_VIEW_FULL|[?&]view=2\b/.test(u));
  return [...errors, ...others.map(f => `HTTP ${f.status} ${f.url}`), ...elsewhere.map(u => `not the gateway: ${u}`),
    ...full.map(u => `asked for the FULL view: ${u}`)];
}

export function resetSeen(page) {
  for (const k of Object.keys(page.seen)) page.seen[k].length = 0;
}

// Waits until the page has drawn (main[data-ready]); an uncaught error
// fails at once instead of after the timeout.
export async function ready(page, timeout = 20000) {
  let poll;
  const failed = new Promise((_, reject) => {
    poll = setInterval(() => {
      const e = page.seen.errors.find(x => x.startsWith('uncaught'));
      if (e) reject(new Error(e));
    }, 100);
  });
  try {
    await Promise.race([page.waitForSelector('main[data-ready="true"]', {timeout}), failed]);
  } finally {
    clearInterval(poll);
  }
}

// A full-page PNG under build/ for review; fails unless it was written.
export async function screenshot(page, name) {
  fs.mkdirSync(screenshotDir, {recursive: true});
  const file = path.join(screenshotDir, `${name}.png`);
  fs.rmSync(file, {force: true});
  await page.screenshot({path: file, fullPage: true});
  if (!(fs.statSync(file, {throwIfNoEntry: false})?.size > 0)) throw new Error(`no screenshot written at ${file}`);
  return file;
}

// The option of the ECharts chart drawn in `selector` (null: none there).
export function chartOption(page, selector) {
  return page.evaluate(sel => {
    const el = document.querySelector(sel);
    const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
    if (!chart) return null;
    const o = chart.getOption();
    const axis = a => (a || []).map(x => ({type: x.type, data: x.data}));
    return {xAxis: axis(o.xAxis), yAxis: axis(o.yAxis),
      series: o.series.map(x => ({name: x.name, type: x.type, data: x.data.map(d => (d && typeof d === 'object' ? d.value : d))}))};
  }, selector);
}
