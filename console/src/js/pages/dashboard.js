// 监督看板: the monthly (or weekly) service supervision report (服务监督报告)
// per handling department as a table and a chart, the complaint trend over
// the last 12 periods, SLA breaches charged per department, the freshness of
// the figures per source, CSV downloads of each report and the stored
// snapshots. Every figure is reporting-svc's (docs/reports.md); until it
// serves, the page says 报表服务暂不可用.
import {call} from '../api.js';
import {setParams} from '../app.js';
import {add, clear, field, h, select, table} from '../dom.js';
import {KPI, kpiText, pct} from '../figures.js';
import {ESCALATION, REPORT_KIND, SOURCE, count, label, time, workingMinutes} from '../format.js';
import {draw} from '../charts.js';
import {current, name as periodName, params as periodParams, parse, text} from '../period.js';
import {csvButton, departmentNames, empty, errorBox, isUnavailable, loading, pageHeader, ratioCell, reportUnavailable, section} from '../ui.js';

function kpiCell(row, k) {
  if (k.kind === 'ratio') return ratioCell(row[k.key]);
  if (k.kind === 'escalations') {
    const parts = (row[k.key] || []).filter(e => e.count).map(e => `${label(ESCALATION, e.level)} ${e.count}`);
    return h('span', {title: parts.join('，')}, kpiText(row, k));
  }
  return kpiText(row, k);
}

// The supervision report as a table and a chart (also for snapshots).
export function supervisionView(report) {
  const rows = [...(report.departments || [])];
  const total = report.total ? {...report.total, department: '合计'} : null;
  const chart = h('div', {class: 'chart', id: 'kpi-chart'});
  const body = (report.departments || []).length ? [
    table([{title: '处理部门', cell: r => r.department},
      ...KPI.map(k => ({title: k.title, class: 'num', cell: r => kpiCell(r, k), attrs: () => ({dataset: {figure: k.figure}})}))],
    total ? [...rows, total] : rows,
    {class: 'grid kpi', id: 'kpi-table', rowAttrs: r => ({dataset: {department: r.department}, class: r === total ? 'total' : ''})}),
    chart,
  ] : [empty('本期没有任何部门的数据。')];
  const faults = (report.majorFaults || []).length ? table([
    {title: '重大故障', cell: f => f.title}, {title: '故障时间', cell: f => time(f.faultTime)},
    {title: '引发投诉', cell: f => String(f.complaints), class: 'num'},
    {title: '故障分析报告', cell: f => (f.analysisSubmitted ? '已提交' : '未提交')},
  ], report.majorFaults, {class: 'grid'}) : null;
  return {nodes: [...body, faults], drawChart: () => (rows.length ? drawKpiChart(chart, rows) : null)};
}

function drawKpiChart(el, rows) {
  const rates = KPI.filter(k => k.kind === 'ratio').slice(0, 4);
  return draw(el, {
    title: {text: '各部门主要指标', left: 0, textStyle: {fontSize: 14}},
    tooltip: {trigger: 'axis', valueFormatter: v => (v === null || v === undefined ? '无数据' : `${v.toFixed(2)}%`)},
    legend: {top: 0, right: 0},
    grid: {left: 48, right: 16, top: 48, bottom: 32},
    xAxis: {type: 'category', data: rows.map(r => r.department)},
    yAxis: {type: 'value', min: 0, max: 100, axisLabel: {formatter: '{value}%'}},
    series: rates.map(k => ({name: k.title, type: 'bar', data: rows.map(r => pct(r[k.key])), barMaxWidth: 28})),
  });
}

export async function render(root, {params, signal}) {
  const kind = params.get('kind') === 'week' ? 'week' : 'month';
  const p = parse(kind, params.get('period')) || current(kind);
  const department = params.get('department') || '';
  const departments = await departmentNames().catch(() => []);
  const form = h('form', {class: 'filters', id: 'dashboard-filters', onsubmit: e => {
    e.preventDefault();
    const k = form.elements.kind.value;
    const v = k === kind ? form.elements.period.value : text(current(k));
    setParams({kind: k, period: v, department: form.elements.department.value});
    dispatchEvent(new HashChangeEvent('hashchange'));
  }},
  field('周期', select({name: 'kind', onchange: () => form.requestSubmit()}, [['month', '按月'], ['week', '按周']], kind)),
  field(kind === 'week' ? '周' : '月份', h('input', {name: 'period', type: kind, value: text(p), required: true})),
  field('处理部门', select({name: 'department'}, [['', '全部部门'], ...departments.map(d => [d, d])], department)),
  h('div', {class: 'filter-actions'}, h('button', {type: 'submit', class: 'primary'}, '查看')));
  root.append(pageHeader('监督看板', `服务监督报告 · ${periodName(p)}${department ? ` · ${department}` : ''}`, form));

  const base = {...periodParams(p), ...(department ? {'filter.departments': department} : {})};
  const status = root.appendChild(loading('正在读取报表…'));
  let report;
  try {
    report = await call('reports/supervision', {params: base, signal});
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    status.replaceWith(isUnavailable(err) ? reportUnavailable(err) : errorBox(err, '服务监督报告'));
    return;
  }
  const kpi = supervisionView(report);
  const trendBox = h('div', {id: 'trend'});
  const slaBox = h('div', {id: 'sla'});
  const snapBox = h('div', {id: 'snapshots'});
  status.replaceWith(
    section(`服务监督报告（${report.period ? report.period.label : text(p)}）`, ...kpi.nodes),
    h('div', {class: 'columns'}, section(`投诉趋势（近 12 ${kind === 'week' ? '周' : '个月'}）`, trendBox),
      section('时限超时（按责任部门）', slaBox)),
    h('div', {class: 'columns'}, section('数据时效', freshnessView(report.freshness)),
      section('下载 CSV', csvLinks(base))),
    section('报表快照', snapBox));
  await Promise.all([kpi.drawChart(), trend(trendBox, base, signal), sla(slaBox, base, signal), snapshots(snapBox, signal)]);
}

function csvLinks(base) {
  return h('div', {class: 'csv-links', id: 'csv-links'},
    csvButton('服务监督报告', 'reports/supervision', base),
    csvButton('周报', 'reports/weekly', base),
    csvButton('投诉分析', 'reports/complaintAnalysis', {...base, trend_periods: 12}),
    csvButton('时限责任', 'reports/slaAccountability', base),
    csvButton('满意度', 'reports/satisfaction', base),
    csvButton('客户回访', 'reports/returnVisits', base));
}

async function trend(box, base, signal) {
  let a;
  try {
    a = await call('reports/complaintAnalysis', {params: {...base, trend_periods: 12, dimensions: 'COMPLAINT_DIMENSION_DEPARTMENT'}, signal});
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    box.append(errorBox(err, '投诉趋势'));
    return;
  }
  const points = a.trend || [];
  const series = [['received', '收到'], ['accepted', '受理'], ['resolved', '已处理'], ['closed', '结案'],
    ['overdue', '逾期'], ['escalated', '升级']];
  const el = box.appendChild(h('div', {class: 'chart', id: 'trend-chart'}));
  box.append(h('p', {class: 'hint'}, `平均首次响应 ${stat(a.total && a.total.acknowledgeTime)}，平均处理用时 ${stat(a.total && a.total.handlingTime)}（工作时间）。`));
  await draw(el, {
    tooltip: {trigger: 'axis'},
    legend: {top: 0},
    grid: {left: 40, right: 16, top: 40, bottom: 32},
    xAxis: {type: 'category', data: points.map(t => t.period.label), boundaryGap: false},
    yAxis: {type: 'value', minInterval: 1},
    series: series.map(([key, name]) => ({name, type: 'line', symbolSize: 6, data: points.map(t => Number((t.figures || {})[key] || 0))})),
  });
}

function stat(s) {
  return !s || s.noData ? '无数据' : `${workingMinutes(Math.round(s.meanWorkingMinutes))}（P90 ${workingMinutes(s.p90WorkingMinutes)}）`;
}

async function sla(box, base, signal) {
  let s;
  try {
    s = await call('reports/slaAccountability', {params: base, signal});
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    box.append(errorBox(err, '时限责任'));
    return;
  }
  const rows = s.departments || [];
  if (!rows.length) {
    box.append(empty('本期没有到期的时限。'));
    return;
  }
  const el = box.appendChild(h('div', {class: 'chart', id: 'sla-chart'}));
  box.append(table([
    {title: '部门', cell: d => d.department},
    {title: '超时投诉', cell: d => count(d.breachedComplaints), class: 'num'},
    {title: '按时率', cell: d => ratioCell(d.onTime), class: 'num'},
    {title: '持有时间', cell: d => workingMinutes(d.heldWorkingMinutes), class: 'num'},
    {title: '移入 / 移出', cell: d => `${d.transfersIn || 0} / ${d.transfersOut || 0}`, class: 'num'},
  ], rows, {class: 'grid', id: 'sla-table', rowAttrs: d => ({dataset: {department: d.department}})}));
  await draw(el, {
    tooltip: {trigger: 'axis'},
    legend: {top: 0},
    grid: {left: 40, right: 16, top: 40, bottom: 32},
    xAxis: {type: 'category', data: rows.map(d => d.department)},
    yAxis: {type: 'value', minInterval: 1},
    series: [['acknowledgeBreaches', '受理超时'], ['investigatedBreaches', '调查核实超时'], ['handlingOpinionBreaches', '处理意见超时']]
      .map(([key, name]) => ({name, type: 'bar', stack: 'breaches', barMaxWidth: 36, data: rows.map(d => Number(d[key] || 0))})),
  });
}

export function freshnessView(f) {
  const sources = (f && f.sources) || [];
  if (!sources.length) return empty('尚未应用任何事件。');
  return [table([
    {title: '来源', cell: s => label(SOURCE, s.source)},
    {title: '最后应用的事件', cell: s => `#${s.lastAppliedSequence}`, class: 'num'},
    {title: '事件发生时间', cell: s => time(s.lastEventTime), class: 'nowrap'},
    {title: '应用时间', cell: s => time(s.applyTime), class: 'nowrap'},
    {title: '状态', cell: s => (s.stopped ? h('span', {class: 'late'}, `已停止：${s.stopReason}`) :
      `正常${Number(s.skippedUnknownEvents) ? `（跳过未知事件 ${s.skippedUnknownEvents}）` : ''}`)},
  ], sources, {class: 'grid', id: 'freshness', rowAttrs: s => ({dataset: {source: s.source}})}),
  h('p', {class: 'hint'}, `计算于 ${time(f.computeTime)}；图表包含各来源到上述事件为止发生的一切。`)];
}

async function snapshots(box, signal) {
  let res;
  try {
    res = await call('reportSnapshots', {params: {page_size: 20}, signal});
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    box.append(errorBox(err, '报表快照'));
    return;
  }
  const items = res.reportSnapshots || [];
  if (!items.length) {
    box.append(empty('还没有快照：定时任务生成后在此列出（周报每周五 15:00，服务监督报告每月首个工作日，考核排名每季首个工作日）。'));
    return;
  }
  add(box, table([
    {title: '报表', cell: s => label(REPORT_KIND, s.report)},
    {title: '周期', cell: s => (s.period ? s.period.label : '—')},
    {title: '计划时间', cell: s => time(s.scheduledTime), class: 'nowrap'},
    {title: '生成时间', cell: s => time(s.createTime), class: 'nowrap'},
    {title: '', cell: s => h('a', {href: `#/snapshots/${encodeURIComponent(s.name.replace(/^reportSnapshots\//, ''))}`}, '查看当时的报表')},
  ], items, {class: 'grid', id: 'snapshot-list', rowAttrs: s => ({dataset: {snapshot: s.name}})}),
  res.nextPageToken ? h('p', {class: 'hint'}, '只列出最近 20 份。') : null);
}
