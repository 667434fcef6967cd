// 投诉看板: the open complaints by state, the overdue and escalated ones
// first, with filters (department, category, severity, handler, first
// responder, registration period) that become the ListComplaints filter.
import {listAll} from '../api.js';
import {setParams} from '../app.js';
import {clear, field, h, select, table} from '../dom.js';
import {ESCALATION, OPEN_STATES, SEVERITY, STATE, STATE_ORDER, label, time} from '../format.js';
import {badge, departmentNames, empty, errorBox, loading, pageHeader} from '../ui.js';

const FILTERS = ['department', 'category', 'severity', 'handler', 'responder', 'from', 'to', 'state'];

// The AIP-160 filter of ListComplaints (docs/api.md): comparisons joined by
// AND; dates are Beijing days, `to` inclusive.
export function filterText(f) {
  const q = s => JSON.stringify(s);
  const parts = [];
  if (f.state) parts.push(`state = ${f.state}`);
  else parts.push('state != COMPLAINT_STATE_CLOSED', 'state != COMPLAINT_STATE_REJECTED');
  if (f.department) parts.push(`handling_department = ${q(f.department)}`);
  if (f.category) parts.push(`category = ${q(f.category)}`);
  if (f.severity) parts.push(`severity = ${f.severity}`);
  if (f.handler) parts.push(`handler_id = ${q(f.handler)}`);
  if (f.responder) parts.push(`first_responder_id = ${q(f.responder)}`);
  if (f.from) parts.push(`create_time >= ${q(`${f.from}T00:00:00+08:00`)}`);
  if (f.to) parts.push(`create_time < ${q(`${nextDay(f.to)}T00:00:00+08:00`)}`);
  return parts.join(' AND ');
}

function nextDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

// Unmet deadlines past due while the clock runs: what `overdue = true`
// means to complaint-svc.
const CLOCK_RUNS = ['COMPLAINT_STATE_REGISTERED', 'COMPLAINT_STATE_ACCEPTED', 'COMPLAINT_STATE_TRANSFERRED',
  'COMPLAINT_STATE_IN_PROGRESS', 'COMPLAINT_STATE_REOPENED'];
export function overdueDeadlines(c, now = Date.now()) {
  if (c.slaPaused || !CLOCK_RUNS.includes(c.state)) return [];
  return (c.deadlines || []).filter(d => !d.metTime && d.dueTime && Date.parse(d.dueTime) < now);
}

function escalated(c) {
  return c.escalationLevel && c.escalationLevel !== 'ESCALATION_LEVEL_UNSPECIFIED';
}

function nextDeadline(c) {
  const open = (c.deadlines || []).filter(d => !d.metTime && d.dueTime);
  open.sort((a, b) => Date.parse(a.dueTime) - Date.parse(b.dueTime));
  return open[0];
}

// Escalated (highest level first), then overdue, then oldest first.
function urgency(a, b) {
  const lvl = c => (escalated(c) ? Object.keys(ESCALATION).indexOf(c.escalationLevel) : 0);
  return lvl(b) - lvl(a) || overdueDeadlines(b).length - overdueDeadlines(a).length ||
    Date.parse(a.createTime) - Date.parse(b.createTime);
}

export async function render(root, {params, signal}) {
  const f = Object.fromEntries(FILTERS.map(k => [k, params.get(k) || '']));
  const [departments, categories] = await Promise.all([
    departmentNames().catch(() => []),
    listAll('categories', 'categories', {signal}).then(r => r.items).catch(() => []),
  ]);
  const catName = Object.fromEntries(categories.map(c => [c.name.replace(/^categories\//, ''), c.displayName]));
  const controls = filterControls(f, departments, categories, () => {
    for (const k of FILTERS) f[k] = controls.elements[k].value.trim();
    setParams(f);
    // Not awaited: a navigation aborts it, and the sign-in form is already
    // up when the token is refused; nothing else can end up here.
    load().catch(err => {
      if (err.name !== 'AbortError' && !err.unauthenticated) console.warn('board failed', err);
    });
  });
  const summary = h('div', {class: 'chips', id: 'state-chips'});
  const results = h('div', {id: 'complaint-list'});
  root.append(pageHeader('投诉看板', '未结案的投诉，逾期与升级的排在最前；点击编号查看时限、部门用时与完整处理记录。', controls),
    summary, results);

  // Filters may change faster than the list arrives: only the latest load
  // draws, and the list says it is loading (data-loading) until it has.
  let latest = 0;
  async function load() {
    const mine = ++latest;
    results.dataset.loading = 'true';
    clear(results).append(loading());
    clear(summary);
    let list;
    try {
      list = await listAll('complaints', 'complaints', {params: {filter: filterText(f), order_by: 'create_time'}, signal});
    } catch (err) {
      if (mine !== latest) return;
      if (err.name === 'AbortError' || err.unauthenticated) throw err;
      clear(results).append(errorBox(err, '投诉列表'));
      delete results.dataset.loading;
      return;
    }
    if (mine !== latest) return;
    drawSummary(summary, list.items, f, state => {
      controls.elements.state.value = state;
      controls.requestSubmit();
    });
    drawList(clear(results), list, catName);
    delete results.dataset.loading;
  }
  await load();
}

function filterControls(f, departments, categories, apply) {
  const form = h('form', {class: 'filters', id: 'complaint-filters', onsubmit: e => { e.preventDefault(); apply(); }},
    field('处理部门', select({name: 'department'}, [['', '全部部门'], ...departments.map(d => [d, d])], f.department)),
    field('投诉类别', select({name: 'category'}, [['', '全部类别'],
      ...categories.map(c => [c.name.replace(/^categories\//, ''), c.displayName])], f.category)),
    field('严重程度', select({name: 'severity'}, [['', '全部'], ...Object.entries(SEVERITY)], f.severity)),
    field('状态', select({name: 'state'}, [['', '全部未结案'], ...STATE_ORDER.map(s => [s, STATE[s]])], f.state)),
    field('处理人', h('input', {name: 'handler', value: f.handler, placeholder: '员工编号', size: 10})),
    field('首问负责人', h('input', {name: 'responder', value: f.responder, placeholder: '员工编号', size: 10})),
    field('登记自', h('input', {name: 'from', type: 'date', value: f.from})),
    field('至', h('input', {name: 'to', type: 'date', value: f.to})),
    h('div', {class: 'filter-actions'},
      h('button', {type: 'submit', class: 'primary'}, '筛选'),
      h('button', {type: 'button', onclick: () => {
        for (const el of form.elements) if (el.name) el.value = '';
        apply();
      }}, '清除')));
  return form;
}

function drawSummary(el, items, f, pick) {
  const counts = {};
  for (const c of items) counts[c.state] = (counts[c.state] || 0) + 1;
  const overdue = items.filter(c => overdueDeadlines(c).length).length;
  const esc = items.filter(escalated).length;
  el.append(
    h('span', {class: 'chip total'}, `共 ${items.length} 件`),
    h('span', {class: 'chip danger', id: 'count-overdue'}, `逾期 ${overdue}`),
    h('span', {class: 'chip warn', id: 'count-escalated'}, `已升级 ${esc}`),
    ...(f.state ? [f.state] : OPEN_STATES).filter(s => counts[s]).map(s =>
      h('button', {type: 'button', class: `chip state ${f.state === s ? 'on' : ''}`, onclick: () => pick(f.state === s ? '' : s)},
        `${STATE[s]} ${counts[s]}`)));
}

function drawList(el, list, catName) {
  const {items, truncated} = list;
  if (!items.length) {
    el.append(empty('没有符合条件的投诉。'));
    return;
  }
  const urgent = items.filter(c => escalated(c) || overdueDeadlines(c).length).sort(urgency);
  const rest = items.filter(c => !urgent.includes(c));
  if (truncated) el.append(h('p', {class: 'notice'}, `只显示前 ${items.length} 件，请用筛选缩小范围。`));
  if (urgent.length) {
    el.append(h('section', {class: 'card urgent', id: 'urgent'},
      h('h2', {}, `逾期与升级（${urgent.length}）`), complaintTable(urgent, catName)));
  }
  for (const state of STATE_ORDER) {
    const group = rest.filter(c => c.state === state);
    if (!group.length) continue;
    el.append(h('section', {class: 'card', dataset: {state}},
      h('h2', {}, `${STATE[state]}（${group.length}）`), complaintTable(group, catName)));
  }
}

function complaintTable(rows, catName) {
  const now = Date.now();
  return table([
    {title: '编号', cell: c => h('a', {href: `#/complaints/${c.name.split('/')[1]}`, class: 'mono'}, c.complaintNumber)},
    {title: '主题', cell: c => c.subject, class: 'wide'},
    {title: '客户', cell: c => c.customerDisplayName || c.customer},
    {title: '类别', cell: c => catName[c.category] || c.category},
    {title: '严重程度', cell: c => badge(label(SEVERITY, c.severity), (c.severity || '').toLowerCase())},
    {title: '状态', cell: c => badge(label(STATE, c.state), 'state')},
    {title: '处理部门 / 处理人', cell: c => [c.handlingDepartment, h('br'), h('small', {}, c.handlerId || '（部门队列）')]},
    {title: '首问负责人', cell: c => c.firstResponderId},
    {title: '登记时间', cell: c => time(c.createTime), class: 'nowrap'},
    {title: '下一时限', class: 'nowrap', cell: c => {
      const d = nextDeadline(c);
      if (!d) return '—';
      const late = Date.parse(d.dueTime) < now;
      return h('span', {class: late ? 'late' : ''}, time(d.dueTime), late ? ' 已逾期' : '');
    }},
    {title: '升级', cell: c => (escalated(c) ? badge(`已升级·${ESCALATION[c.escalationLevel]}`, 'warn') : '')},
  ], rows, {class: 'grid complaints', rowAttrs: c => ({dataset: {complaint: c.name, number: c.complaintNumber},
    class: overdueDeadlines(c, now).length ? 'overdue' : ''})});
}
