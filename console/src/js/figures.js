// The figures of the supervision report as the dashboard shows them. No DOM:
// the dashboard-vs-gRPC test formats the gRPC report with the same rules.
import {count, ratio} from './format.js';

// The KPI columns of the supervision report, in the documents' order.
export const KPI = [
  {figure: 'complaints_accepted', key: 'complaintsAccepted', title: '受理投诉', kind: 'count'},
  {figure: 'on_time_handling', key: 'onTimeHandling', title: '投诉处理及时率', kind: 'ratio'},
  {figure: 'resolution_rate', key: 'resolutionRate', title: '解决率', kind: 'ratio'},
  {figure: 'satisfaction_rate', key: 'satisfactionRate', title: '满意率', kind: 'ratio'},
  {figure: 'return_visit_rate', key: 'returnVisitRate', title: '回访率（投诉回访）', kind: 'ratio'},
  {figure: 'customer_visit_rate', key: 'customerVisitRate', title: '客户回访率', kind: 'ratio'},
  {figure: 'proactive_visits', key: 'proactiveVisits', title: '主动维护（回访次数）', kind: 'count'},
  {figure: 'escalations', key: 'escalations', title: '升级', kind: 'escalations'},
  {figure: 'major_faults', key: 'majorFaults', title: '重大故障', kind: 'count'},
  {figure: 'complaints_received', key: 'complaintsReceived', title: '收到投诉', kind: 'count'},
  {figure: 'complaints_resolved', key: 'complaintsResolved', title: '已处理', kind: 'count'},
  {figure: 'complaints_overdue', key: 'complaintsOverdue', title: '逾期投诉', kind: 'count'},
];

// What a KPI cell shows, as text: the tests compare it with the gRPC report.
export function kpiText(row, k) {
  const v = row[k.key];
  if (k.kind === 'ratio') {
    const r = ratio(v);
    return r.detail ? `${r.text} ${r.detail}` : r.text;
  }
  if (k.kind === 'escalations') return count((v || []).reduce((n, e) => n + Number(e.count || 0), 0));
  return count(v);
}


// A rate for a chart: its percent, or null (a gap) when there is no data.
export function pct(r) {
  return !r || r.noData || !r.denominator ? null : Number(r.percent);
}
