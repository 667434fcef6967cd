// 报表快照: a report as it was computed at its scheduled run (immutable:
// later events do not change it), drawn like the live report.
import {call} from '../api.js';
import {h, table} from '../dom.js';
import {REPORT_KIND, count, label, time} from '../format.js';
import {freshnessView, supervisionView} from './dashboard.js';
import {rankingView} from './ranking.js';
import {csvButton, empty, errorBox, isUnavailable, ratioCell, reportUnavailable, section} from '../ui.js';

export async function render(root, {id, signal}) {
  const name = `reportSnapshots/${encodeURIComponent(id)}`;
  root.append(h('p', {class: 'back'}, h('a', {href: '#/dashboard'}, '← 返回监督看板')));
  let s;
  try {
    s = await call(name, {signal});
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    root.append(isUnavailable(err) ? reportUnavailable(err) : errorBox(err, '报表快照'));
    return;
  }
  const kind = label(REPORT_KIND, s.report);
  root.append(h('div', {class: 'page-head'}, h('div', {},
    h('h1', {}, `${kind} · ${s.period ? s.period.label : ''}`),
    h('p', {class: 'subtitle'}, `快照：计划于 ${time(s.scheduledTime)}，生成于 ${time(s.createTime)}。这是当时所见的报表，之后到达的事件不会改变它。`))),
  h('p', {}, csvButton(kind, name, {}, {})));
  let drawChart = null;
  if (s.supervisionReport) {
    const v = supervisionView(s.supervisionReport);
    root.append(section(kind, ...v.nodes), section('数据时效（快照生成时）', freshnessView(s.supervisionReport.freshness)));
    drawChart = v.drawChart;
  } else if (s.staffRanking) {
    const v = rankingView(s.staffRanking);
    root.append(section(kind, ...v.nodes), section('数据时效（快照生成时）', freshnessView(s.staffRanking.freshness)));
    drawChart = v.drawChart;
  } else if (s.weeklyReport) {
    root.append(...weeklyView(s.weeklyReport));
  } else {
    root.append(section(kind, empty('此类报表的快照请下载 CSV 查看。')));
  }
  if (drawChart) await drawChart();
}

const COMPLAINT_FIGURES = [['received', '收到'], ['repeatContacts', '重复来电'], ['accepted', '受理'], ['resolved', '已处理'],
  ['closed', '结案'], ['reopened', '重新打开'], ['rejected', '驳回'], ['escalated', '升级'], ['overdue', '逾期']];
const COMPLAINT_RATES = [['acknowledgeOnTime', '受理及时率'], ['investigatedOnTime', '调查核实及时率'],
  ['handlingOnTime', '投诉处理及时率'], ['resolutionRate', '解决率'], ['satisfactionRate', '满意率']];

// 周报: the week's figures, as the Friday meeting reads them.
function weeklyView(w) {
  const c = w.complaints || {};
  const v = w.visits || {};
  const a = w.archives || {};
  const p = w.promises || {};
  const rows = [
    ...COMPLAINT_FIGURES.map(([k, t]) => ({t: `投诉${t}`, v: count(c[k])})),
    ...COMPLAINT_RATES.map(([k, t]) => ({t, v: ratioCell(c[k])})),
    {t: '应回访', v: count(v.due)}, {t: '已回访（有效）', v: `${count(v.done)}（${count(v.valid)}）`},
    {t: '回访逾期', v: count(v.overdue)}, {t: '回访率', v: ratioCell(v.visitRate)},
    {t: '新建档案', v: count(a.opened)}, {t: '变更档案', v: count(a.changed)},
    {t: '承诺（新增 / 到期 / 按时兑现 / 失信）', v: `${count(p.made)} / ${count(p.due)} / ${count(p.keptOnTime)} / ${count(p.broken)}`},
    {t: '承诺兑现率', v: ratioCell(p.keptRate)},
  ];
  return [section('周报', table([{title: '指标', cell: r => r.t}, {title: '数值', cell: r => r.v, class: 'num'}], rows, {class: 'grid'})),
    section(`客户反馈（${w.feedbackTotal || 0}）`, (w.feedback || []).length ? table([
      {title: '时间', cell: f => time(f.eventTime), class: 'nowrap'}, {title: '客户', cell: f => f.displayName},
      {title: '员工', cell: f => f.staffId}, {title: '内容', cell: f => f.text, class: 'wide'},
    ], w.feedback, {class: 'grid'}) : empty('本周没有不满意的反馈。')),
    section('数据时效（快照生成时）', freshnessView(w.freshness))];
}
