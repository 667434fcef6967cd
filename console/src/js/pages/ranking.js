// 考核排名: the quarter's staff ranking; places 1-3 (first tier) and 4-8
// (second tier) marked as the server assigns the tiers (ScoringFormula).
import {call} from '../api.js';
import {setParams} from '../app.js';
import {h, select, field, table} from '../dom.js';
import {DECIDED_BY, RANKING_METRIC, label} from '../format.js';
import {draw} from '../charts.js';
import {current, name as periodName, params as periodParams} from '../period.js';
import {freshnessView} from './dashboard.js';
import {badge, csvButton, departmentNames, empty, errorBox, isUnavailable, loading, pageHeader, ratioCell, reportUnavailable, section} from '../ui.js';

const TIER = {REWARD_TIER_FIRST: ['一等', 'gold'], REWARD_TIER_SECOND: ['二等', 'silver']};

function decided(e) {
  if (!e.decidedBy) return '—';
  return DECIDED_BY[e.decidedBy] || `同分，按${label(RANKING_METRIC, e.decidedBy)}`;
}

// The ranking as tables and a chart (also for snapshots).
export function rankingView(r) {
  const entries = r.entries || [];
  const terms = (r.formula && r.formula.terms) || [];
  const metricCols = terms.map((t, i) => ({
    title: `${label(RANKING_METRIC, t.metric)}（权重 ${t.weight}）`, class: 'num',
    cell: e => ((e.metrics || [])[i] ? ratioCell(e.metrics[i].value) : '—'),
  }));
  const chart = h('div', {class: 'chart tall', id: 'ranking-chart'});
  const nodes = [
    h('p', {class: 'hint'}, `第 1–${r.formula ? r.formula.firstTierPlaces : 3} 名为一等，第 ${r.formula ? r.formula.firstTierPlaces + 1 : 4}–${r.formula ? r.formula.secondTierPlaces : 8} 名为二等；得分 = 各项指标按权重加权（无数据的指标不计入），满分 100。`),
    entries.length ? table([
      {title: '名次', cell: e => h('span', {class: 'place'}, String(e.place))},
      {title: '奖励', cell: e => (TIER[e.tier] ? badge(TIER[e.tier][0], TIER[e.tier][1]) : '')},
      {title: '员工', cell: e => e.staffId},
      {title: '部门', cell: e => e.department || '—'},
      {title: '得分', cell: e => Number(e.score).toFixed(2), class: 'num score'},
      ...metricCols,
      {title: '证据数', cell: e => String(e.evidence), class: 'num'},
      {title: '名次依据', cell: decided},
    ], entries, {class: 'grid ranking', id: 'ranking-table',
      rowAttrs: e => ({class: TIER[e.tier] ? `tier-${TIER[e.tier][1]}` : '', dataset: {staff: e.staffId, place: e.place, tier: e.tier}})}) :
      empty('本期没有可排名的员工。'),
    entries.length ? chart : null,
    (r.unranked || []).length ? h('details', {class: 'unranked'},
      h('summary', {}, `未排名 ${r.unranked.length} 人（证据不足 ${r.formula ? r.formula.minEvidence : 1} 项或全无数据）`),
      h('p', {}, r.unranked.map(e => `${e.staffId}（证据 ${e.evidence}）`).join('，'))) : null,
  ];
  return {nodes, drawChart: () => (entries.length ? drawChart(chart, entries.slice(0, 20)) : null)};
}

function drawChart(el, entries) {
  const color = e => (e.tier === 'REWARD_TIER_FIRST' ? '#d4a017' : e.tier === 'REWARD_TIER_SECOND' ? '#8e9aaf' : '#1f5fae');
  const rows = [...entries].reverse();
  return draw(el, {
    title: {text: '得分（前 20 名）', left: 0, textStyle: {fontSize: 14}},
    tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
    grid: {left: 90, right: 40, top: 36, bottom: 24},
    xAxis: {type: 'value', min: 0, max: 100},
    yAxis: {type: 'category', data: rows.map(e => `${e.place}. ${e.staffId}`)},
    series: [{type: 'bar', name: '得分', barMaxWidth: 18, label: {show: true, position: 'right', formatter: p => Number(p.value).toFixed(2)},
      data: rows.map(e => ({value: Number(e.score), itemStyle: {color: color(e)}}))}],
  });
}

export async function render(root, {params, signal}) {
  const now = current('quarter');
  const year = Number(params.get('year')) || now.year;
  const quarter = Number(params.get('quarter')) || now.number;
  const department = params.get('department') || '';
  const departments = await departmentNames().catch(() => []);
  const years = [];
  for (let y = now.year; y >= now.year - 4; y--) years.push([String(y), `${y} 年`]);
  const form = h('form', {class: 'filters', id: 'ranking-filters', onsubmit: e => {
    e.preventDefault();
    setParams({year: form.elements.year.value, quarter: form.elements.quarter.value, department: form.elements.department.value});
    dispatchEvent(new HashChangeEvent('hashchange'));
  }},
  field('年份', select({name: 'year'}, years, String(year))),
  field('季度', select({name: 'quarter'}, [1, 2, 3, 4].map(q => [String(q), `第 ${q} 季度`]), String(quarter))),
  field('部门', select({name: 'department'}, [['', '全部部门'], ...departments.map(d => [d, d])], department)),
  h('div', {class: 'filter-actions'}, h('button', {type: 'submit', class: 'primary'}, '查看')));
  const p = {kind: 'quarter', year, number: quarter};
  root.append(pageHeader('考核排名', `${periodName(p)}${department ? ` · ${department}` : ''}：按时率、满意率、回访与承诺兑现综合评分`, form));
  const base = {...periodParams(p), ...(department ? {'filter.departments': department} : {})};
  const status = root.appendChild(loading('正在读取排名…'));
  let r;
  try {
    r = await call('reports/staffRanking', {params: base, signal});
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    status.replaceWith(isUnavailable(err) ? reportUnavailable(err) : errorBox(err, '考核排名'));
    return;
  }
  const view = rankingView(r);
  status.replaceWith(section(`考核排名（${r.period ? r.period.label : ''}）`, ...view.nodes,
    h('p', {}, csvButton('考核排名', 'reports/staffRanking', base))),
  section('数据时效', freshnessView(r.freshness)));
  await view.drawChart();
}
