// Pieces every page uses: error and empty states, badges, the department
// list, CSV downloads.
import {ApiError, call, listAll} from './api.js';
import {h} from './dom.js';
import {ratio} from './format.js';

// An API failure as a person reads it: the google.rpc.Status message, its
// code, and every field violation.
export function errorBox(err, what = '') {
  if (!(err instanceof ApiError)) {
    return h('div', {class: 'notice error', role: 'alert'}, `${what}出错：${err && err.message}`);
  }
  const head = err.httpStatus === 403 ? '无权查看' :
    err.httpStatus === 503 ? '服务暂不可用' :
    err.httpStatus === 404 ? '未找到' : '请求失败';
  return h('div', {class: 'notice error', role: 'alert', dataset: {code: err.codeName}},
    h('strong', {}, `${what}${head}`),
    h('span', {class: 'status-message'}, err.message),
    h('span', {class: 'code'}, `HTTP ${err.httpStatus} · ${err.codeName}`),
    err.violations.length ? h('ul', {}, err.violations.map(v => h('li', {}, `${v.field}：${v.description}`))) : null);
}

// The reporting pages while reporting-svc does not serve (the gateway
// answers 503 UNAVAILABLE for its routes).
export function isUnavailable(err) {
  return err instanceof ApiError && (err.httpStatus === 503 || err.code === 14);
}

export function reportUnavailable(err) {
  return h('div', {class: 'notice unavailable', role: 'status', id: 'report-unavailable'},
    h('strong', {}, '报表服务暂不可用'),
    h('span', {}, '报表由 reporting-svc 计算；它恢复服务后刷新本页即可看到数据。其他页面不受影响。'),
    h('span', {class: 'status-message'}, err.message),
    h('span', {class: 'code'}, `HTTP ${err.httpStatus} · ${err.codeName}`));
}

export function empty(text) {
  return h('p', {class: 'empty'}, text);
}

export function loading(text = '正在加载…') {
  return h('p', {class: 'loading'}, text);
}

export function badge(text, kind = '') {
  return h('span', {class: `badge ${kind}`}, text);
}

// A Ratio cell: the percent, its fraction beside it, "无数据" greyed.
export function ratioCell(r) {
  const f = ratio(r);
  return h('span', {class: f.noData ? 'ratio nodata' : 'ratio'}, f.text,
    f.detail ? h('small', {}, ` ${f.detail}`) : null);
}

// Department names for the pickers: the categories' handling departments
// and the teams' departments (departments are data, not an enum).
let departments = null;
export async function departmentNames() {
  if (!departments) {
    departments = (async () => {
      const names = new Set();
      const [cats, teams] = await Promise.allSettled([
        listAll('categories', 'categories'), listAll('teams', 'teams')]);
      const failed = [cats, teams].filter(r => r.status === 'rejected');
      // Not kept when a list failed: the next page asks again.
      if (failed.length) departments = null;
      if (failed.length === 2 || failed.some(r => r.reason && r.reason.unauthenticated)) throw failed[0].reason;
      if (cats.status === 'fulfilled') cats.value.items.forEach(c => c.handlingDepartment && names.add(c.handlingDepartment));
      if (teams.status === 'fulfilled') teams.value.items.forEach(t => t.department && names.add(t.department));
      return [...names].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    })();
    departments.catch(() => { departments = null; });
  }
  return departments;
}

// A button that asks the report for REPORT_FORMAT_CSV and saves its
// `csv.text` as `csv.filename` (the API returns CSV inside JSON: a plain
// link could not carry the bearer token).
export function csvButton(label, path, params, {getCsv} = {}) {
  const status = h('span', {class: 'csv-status'});
  const button = h('button', {type: 'button', class: 'csv', dataset: {report: path}, onclick: async () => {
    button.disabled = true;
    status.textContent = '正在生成…';
    try {
      const res = await call(path, {params: {...params, format: 'REPORT_FORMAT_CSV'}});
      const csv = getCsv ? getCsv(res) : res.csv;
      if (!csv || !csv.text) throw new Error('报表没有返回 CSV');
      save(csv.filename || `${path.replace(/\W+/g, '-')}.csv`, csv.text, csv.contentType);
      status.textContent = `已下载 ${csv.filename}（${csv.rowCount} 行）`;
    } catch (err) {
      status.textContent = `下载失败：${err.message}`;
    } finally {
      button.disabled = false;
    }
  }}, `⤓ ${label} CSV`);
  return h('span', {class: 'csv-link'}, button, status);
}

function save(filename, text, type = 'text/csv; charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = h('a', {href: url, download: filename, hidden: true});
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function pageHeader(title, subtitle, ...controls) {
  return h('div', {class: 'page-head'},
    h('div', {}, h('h1', {}, title), subtitle ? h('p', {class: 'subtitle'}, subtitle) : null),
    controls.length ? h('form', {class: 'controls', onsubmit: e => e.preventDefault()}, ...controls) : null);
}
export {section} from './dom.js';
