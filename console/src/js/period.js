// Reporting periods (docs/reports.md, "Periods"): ISO weeks, months and
// quarters of Beijing dates, as the gateway's query parameters.
import {today} from './format.js';

// The ISO 8601 week of a date: {year, number}, the year being that of the
// week's Thursday.
export function isoWeek(d) {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const jan1 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  return {year: t.getUTCFullYear(), number: Math.ceil(((t - jan1) / 86400000 + 1) / 7)};
}

export function current(kind, d = today()) {
  if (kind === 'week') return {kind, ...isoWeek(d)};
  if (kind === 'quarter') return {kind, year: d.year, number: Math.floor((d.month - 1) / 3) + 1};
  return {kind: 'month', year: d.year, number: d.month};
}

// "2026-11", "2026-W47", "2026-Q4": the value of <input type=month|week>.
export function text(p) {
  const n = String(p.number).padStart(2, '0');
  if (p.kind === 'week') return `${p.year}-W${n}`;
  if (p.kind === 'quarter') return `${p.year}-Q${p.number}`;
  return `${p.year}-${n}`;
}

export function parse(kind, value) {
  const m = kind === 'week' ? /^(\d{4})-W(\d{2})$/.exec(value || '') :
    kind === 'quarter' ? /^(\d{4})-Q([1-4])$/.exec(value || '') : /^(\d{4})-(\d{2})$/.exec(value || '');
  return m ? {kind, year: Number(m[1]), number: Number(m[2])} : null;
}

const KIND = {week: 'PERIOD_KIND_WEEK', month: 'PERIOD_KIND_MONTH', quarter: 'PERIOD_KIND_QUARTER'};

// The report request's `period` as query parameters.
export function params(p) {
  return {'period.kind': KIND[p.kind], 'period.year': p.year, 'period.number': p.number};
}

export function name(p) {
  if (p.kind === 'week') return `${p.year} 年第 ${p.number} 周`;
  if (p.kind === 'quarter') return `${p.year} 年第 ${p.number} 季度`;
  return `${p.year} 年 ${p.number} 月`;
}
