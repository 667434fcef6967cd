// 客户回访: the due and overdue return visits of one staff member (by
// default the caller) or of a team, grouped per staff member, and a summary
// per team for supervisors (ListDueVisits, by due date).
import {listAll} from '../api.js';
import {setParams} from '../app.js';
import {mayOversee} from '../auth.js';
import {add, clear, field, h, select, table} from '../dom.js';
import {GRADE, VISIT_STATUS, addDays, date, label, today} from '../format.js';
import {badge, empty, errorBox, loading, pageHeader, section} from '../ui.js';

const HORIZON = [['0', '今日到期及逾期'], ['7', '7 天内到期'], ['30', '30 天内到期']];

function dueParams(scope, horizon, overdueOnly) {
  const to = addDays(today(), Number(horizon) || 0);
  const p = {'due_to.year': to.year, 'due_to.month': to.month, 'due_to.day': to.day};
  if (scope.team) p.team = scope.team;
  else if (scope.staff) p.staff_id = scope.staff;
  if (overdueOnly) p.overdue_only = 'true';
  return p;
}

const isOverdue = v => v.visitPlan.status === 'VISIT_STATUS_OVERDUE';

export async function render(root, {params, signal}) {
  const st = {team: params.get('team') || '', staff: params.get('staff') || '',
    horizon: params.get('horizon') || '0', overdue: params.get('overdue') === '1'};
  const oversee = mayOversee();
  const teams = oversee ? await listAll('teams', 'teams', {signal}).then(r => r.items).catch(() => []) : [];
  const form = h('form', {class: 'filters', id: 'visit-filters', onsubmit: e => {
    e.preventDefault();
    st.team = form.elements.team ? form.elements.team.value : '';
    st.staff = form.elements.staff ? form.elements.staff.value.trim() : '';
    st.horizon = form.elements.horizon.value;
    st.overdue = form.elements.overdue.checked;
    setParams({team: st.team, staff: st.staff, horizon: st.horizon, overdue: st.overdue ? '1' : ''});
  }},
  oversee ? field('团队', select({name: 'team'}, [['', '（不按团队）'], ...teams.map(t => [t.name.replace(/^teams\//, ''),
    `${t.displayName}（${t.department}）`])], st.team)) : null,
  oversee ? field('员工', h('input', {name: 'staff', value: st.staff, placeholder: '空 = 我自己', size: 12})) : null,
  field('范围', select({name: 'horizon'}, HORIZON, st.horizon)),
  h('label', {class: 'check'}, h('input', {type: 'checkbox', name: 'overdue', checked: st.overdue}), '只看逾期'),
  h('div', {class: 'filter-actions'}, h('button', {type: 'submit', class: 'primary'}, '查询')));
  const teamBox = h('div', {id: 'team-summary'});
  const staffBox = h('div', {id: 'staff-summary'});
  const listBox = h('div', {id: 'due-visits'});
  add(root, pageHeader('客户回访', '一年内项目每月回访一次，一年以上每季回访一次；连续三次短信回访视为无效回访，计划仍为待回访。', form),
    oversee && teams.length ? section('各团队待回访', teamBox) : null,
    h('div', {class: 'columns wide-right'}, section('按员工', staffBox), section('待回访清单', listBox)));

  async function load() {
    clear(listBox).append(loading());
    clear(staffBox);
    let items;
    try {
      ({items} = await listAll('dueVisits', 'dueVisits', {params: dueParams(st, st.horizon, st.overdue), signal}));
    } catch (err) {
      if (err.name === 'AbortError' || err.unauthenticated) throw err;
      clear(listBox).append(errorBox(err, '待回访清单'));
      return;
    }
    drawStaff(staffBox, items, teams);
    drawList(clear(listBox), items, st);
  }
  const refresh = () => Promise.all([load(), oversee && teams.length ? teamSummary(clear(teamBox), teams, st, signal) : null]);
  form.addEventListener('submit', () => refresh().catch(() => {}));
  await refresh();
}

// Per team: due and overdue counts, four requests at a time.
async function teamSummary(box, teams, st, signal) {
  box.append(loading());
  const rows = [];
  let i = 0;
  const worker = async () => {
    while (i < teams.length) {
      const t = teams[i++];
      const id = t.name.replace(/^teams\//, '');
      try {
        const {items, truncated} = await listAll('dueVisits', 'dueVisits', {params: dueParams({team: id}, st.horizon, false), signal});
        rows.push({t, id, due: items.length, overdue: items.filter(isOverdue).length, truncated});
      } catch (err) {
        if (err.name === 'AbortError' || err.unauthenticated) throw err;
        rows.push({t, id, error: err});
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  rows.sort((a, b) => (b.overdue || 0) - (a.overdue || 0) || a.id.localeCompare(b.id));
  clear(box).append(table([
    {title: '团队', cell: r => h('a', {href: `#/visits?team=${encodeURIComponent(r.id)}&horizon=${st.horizon}`}, r.t.displayName)},
    {title: '部门', cell: r => r.t.department},
    {title: '成员', cell: r => String((r.t.memberIds || []).length), class: 'num'},
    {title: '待回访', cell: r => (r.error ? r.error.message : `${r.due}${r.truncated ? '+' : ''}`), class: 'num'},
    {title: '其中逾期', cell: r => (r.error ? '' : h('span', {class: r.overdue ? 'late' : ''}, String(r.overdue))), class: 'num'},
  ], rows, {class: 'grid', rowAttrs: r => ({dataset: {team: r.id}})}));
}

function drawStaff(box, items, teams) {
  const teamId = t => (t || '').replace(/^teams\//, '');
  const teamName = Object.fromEntries(teams.map(t => [teamId(t.name), t.displayName]));
  const by = new Map();
  for (const v of items) {
    const id = v.visitPlan.ownerId || '（未分配）';
    const s = by.get(id) || {id, team: v.team, due: 0, overdue: 0, first: null};
    s.due++;
    if (isOverdue(v)) s.overdue++;
    if (!s.first) s.first = v.visitPlan.nextDueDate;
    by.set(id, s);
  }
  const rows = [...by.values()].sort((a, b) => b.overdue - a.overdue || b.due - a.due || a.id.localeCompare(b.id));
  if (!rows.length) {
    box.append(empty('没有待回访。'));
    return;
  }
  box.append(table([
    {title: '员工', cell: s => s.id},
    {title: '团队', cell: s => teamName[teamId(s.team)] || teamId(s.team) || '—'},
    {title: '待回访', cell: s => String(s.due), class: 'num'},
    {title: '逾期', cell: s => h('span', {class: s.overdue ? 'late' : ''}, String(s.overdue)), class: 'num'},
    {title: '最早到期', cell: s => date(s.first), class: 'nowrap'},
  ], rows, {class: 'grid', rowAttrs: s => ({dataset: {staff: s.id}})}));
}

function drawList(box, items, st) {
  if (!items.length) {
    box.append(empty(st.overdue ? '没有逾期的回访。' : '这段时间没有到期的回访。'));
    return;
  }
  box.append(table([
    {title: '客户编号', cell: v => v.archiveNumber, class: 'mono'},
    {title: '客户', cell: v => v.customerDisplayName},
    {title: '等级', cell: v => label(GRADE, v.grade)},
    {title: '项目', cell: v => v.visitPlan.project},
    {title: '负责人', cell: v => v.visitPlan.ownerId},
    {title: '应回访日期', cell: v => date(v.visitPlan.nextDueDate), class: 'nowrap'},
    {title: '状态', cell: v => badge(label(VISIT_STATUS, v.visitPlan.status), isOverdue(v) ? 'danger' : 'muted')},
    {title: '逾期天数', cell: v => (v.visitPlan.daysOverdue ? `${v.visitPlan.daysOverdue} 天` : '—'), class: 'num'},
    {title: '说明', cell: v => v.visitPlan.statusNote || (v.visitPlan.smsStreak ? `连续短信回访 ${v.visitPlan.smsStreak} 次` : '')},
  ], items, {class: 'grid', rowAttrs: v => ({class: isOverdue(v) ? 'overdue' : '', dataset: {plan: v.visitPlan.name}})}));
}
