// 投诉详情: one complaint with its deadlines, the working time each
// department held it (department clocks), escalations, the resolution and
// the full timeline (客户投诉登记及跟踪处理记录); the customer's archive as
// the API returns it (masked: the console never asks for the FULL view).
import {call, listAll} from '../api.js';
import {add, h, table} from '../dom.js';
import {CHANNEL, DEADLINE, ESCALATION, GRADE, REJECTION, RESPONSIBILITY, SATISFACTION, SEVERITY, STATE, STEP_ACTION,
  label, staff, time, workingMinutes} from '../format.js';
import {badge, empty, errorBox, section} from '../ui.js';

export async function render(root, {id, signal}) {
  const name = `complaints/${encodeURIComponent(id)}`;
  let c, categories;
  try {
    [c, categories] = await Promise.all([call(name, {signal}),
      listAll('categories', 'categories', {signal}).then(r => r.items).catch(() => [])]);
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    root.append(h('p', {}, h('a', {href: '#/complaints'}, '← 返回投诉看板')), errorBox(err, '投诉'));
    return;
  }
  const stepsBox = h('div', {id: 'timeline'});
  const customerBox = h('div', {id: 'customer-archive'});
  root.append(
    h('p', {class: 'back'}, h('a', {href: '#/complaints'}, '← 返回投诉看板')),
    h('div', {class: 'page-head'}, h('div', {},
      h('h1', {}, h('span', {class: 'mono'}, c.complaintNumber), ' ', c.subject),
      h('p', {class: 'subtitle'}, badge(label(STATE, c.state), 'state'), ' ',
        badge(label(SEVERITY, c.severity), (c.severity || '').toLowerCase()), ' ',
        c.slaPaused ? badge('等待客户：时限暂停', 'muted') : null,
        c.escalationLevel && c.escalationLevel !== 'ESCALATION_LEVEL_UNSPECIFIED' ?
          badge(`已升级·${ESCALATION[c.escalationLevel]}`, 'warn') : null))),
    h('div', {class: 'columns'},
      section('基本信息', facts(c, categories)),
      section('客户档案', customerBox)),
    section('处理时限', deadlines(c)),
    h('div', {class: 'columns'},
      section('部门用时（工作时间）', departmentClocks(c)),
      section('升级记录', escalations(c))),
    section('调查核实与处理结果', outcome(c)),
    section('处理记录（时间线）', stepsBox));
  await Promise.all([loadSteps(name, stepsBox, signal), loadCustomer(c.customer, customerBox, signal)]);
}

function dl(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(p => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === '' || v === undefined ? '—' : v)]));
}

function facts(c, categories) {
  const category = categories.find(k => k.name === `categories/${c.category}`);
  return dl([
    ['客户', `${c.customerDisplayName || c.customer}${c.customerGrade ? `（${c.customerGrade} 类）` : ''}`],
    ['客户经理', staff(c.customerOwnerId)],
    ['受理渠道', label(CHANNEL, c.channel)],
    ['类别', category ? category.displayName : c.category],
    ['涉及单号', c.matterReference],
    ['投诉内容', c.description],
    ['客户诉求', c.customerRequest],
    ['首问负责人', `${c.firstResponderId}（${c.firstResponderDepartment}）`],
    ['处理部门', c.handlingDepartment],
    ['处理人', c.handlerId || '（部门队列）'],
    ['重复来电', `${c.repeatContacts || 0} 次`],
    ['重新打开', `${c.reopenCount || 0} 次`],
    c.faultReport ? ['故障报告', c.faultReport] : null,
    ['登记时间', time(c.createTime)],
    ['最后更新', time(c.updateTime)],
    c.closeTime ? ['结案时间', time(c.closeTime)] : null,
  ]);
}

function deadlineState(d, now = Date.now()) {
  if (d.metTime) return d.breached || Date.parse(d.metTime) > Date.parse(d.dueTime) ? badge('超时完成', 'danger') : badge('按时完成', 'ok');
  if (Date.parse(d.dueTime) < now || d.breached) return badge('已逾期', 'danger');
  return d.warned ? badge('临近时限', 'warn') : badge('进行中', 'muted');
}

function deadlines(c) {
  if (!(c.deadlines || []).length) return empty('没有时限。');
  return table([
    {title: '时限', cell: d => label(DEADLINE, d.kind)},
    {title: '截止时间', cell: d => time(d.dueTime), class: 'nowrap'},
    {title: '完成时间', cell: d => time(d.metTime), class: 'nowrap'},
    {title: '状态', cell: d => deadlineState(d)},
    {title: '预警', cell: d => (d.warned ? '已预警' : '—')},
  ], c.deadlines, {class: 'grid', id: 'deadlines', rowAttrs: d => ({dataset: {kind: d.kind}})});
}

function departmentClocks(c) {
  if (!(c.departmentTimes || []).length) return empty('尚无部门用时。');
  const marks = t => [t.breachedAcknowledge && '受理超时', t.breachedInvestigated && '调查核实超时',
    t.breachedHandlingOpinion && '处理意见超时'].filter(Boolean);
  return [table([
    {title: '部门', cell: t => t.department},
    {title: '持有时间', cell: t => workingMinutes(t.workingMinutes), class: 'num'},
    {title: '超时记在本部门', cell: t => (marks(t).length ? marks(t).map(m => badge(m, 'danger')) : '—')},
  ], c.departmentTimes, {class: 'grid', id: 'department-clocks'}),
  h('p', {class: 'hint'}, `等待客户暂停的工作时间：${workingMinutes(c.pausedWorkingMinutes)}。当前部门的持有时间在移交或处理完成时计入。`)];
}

function escalations(c) {
  if (!(c.escalations || []).length) return empty('未升级。');
  return table([
    {title: '级别', cell: e => label(ESCALATION, e.level)},
    {title: '超时的时限', cell: e => label(DEADLINE, e.deadline)},
    {title: '责任部门', cell: e => e.department},
    {title: '升级时间', cell: e => time(e.escalateTime), class: 'nowrap'},
  ], c.escalations, {class: 'grid', id: 'escalations'});
}

function outcome(c) {
  const inv = c.investigation && c.investigation.investigateTime ? c.investigation : null;
  const res = c.resolution && c.resolution.resolveTime ? c.resolution : null;
  const rv = c.returnVisit && c.returnVisit.visitTime ? c.returnVisit : null;
  const rows = [];
  if (inv) rows.push(['调查核实', `${inv.findings}（${inv.investigatorId}，${time(inv.investigateTime)}）`]);
  if (res) {
    rows.push(['原因分析', res.causeAnalysis], ['紧急处理对策', res.immediateFix],
      ['永久改善对策', res.correctiveAction], ['责任归属', label(RESPONSIBILITY, res.responsibility)],
      ['处理人', `${res.resolverId}（${time(res.resolveTime)}）`]);
  }
  if (c.satisfaction && c.satisfaction !== 'SATISFACTION_UNSPECIFIED') {
    rows.push(['处理满意程度', label(SATISFACTION, c.satisfaction)], ['客户反馈', c.customerFeedback]);
  }
  if (rv) rows.push(['投诉回访', `${label(SATISFACTION, rv.satisfaction)}：${rv.notes || '—'}（${rv.staffId}，${time(rv.visitTime)}）`]);
  if (c.rejectionKind && c.rejectionKind !== 'REJECTION_KIND_UNSPECIFIED') {
    rows.push(['驳回', `${label(REJECTION, c.rejectionKind)}：${c.rejectionReason}${c.duplicateOf ? `（重复于 ${c.duplicateOf}）` : ''}`]);
  }
  return rows.length ? dl(rows) : empty('尚未调查核实或处理。');
}

async function loadSteps(name, box, signal) {
  try {
    const {items} = await listAll(`${name}/steps`, 'steps', {signal, limit: 2000});
    if (!items.length) {
      box.append(empty('没有处理记录。'));
      return;
    }
    box.append(h('ol', {class: 'timeline'}, items.map(s => h('li', {dataset: {action: s.action}},
      h('span', {class: 'when'}, time(s.stepTime)),
      h('span', {class: 'what'}, label(STEP_ACTION, s.action),
        s.fromState !== s.toState && STATE[s.fromState] && STATE[s.toState] ?
          h('small', {}, ` ${STATE[s.fromState]} → ${STATE[s.toState]}`) : null),
      h('span', {class: 'who'}, s.actorId === 'system' ? '系统' : `${s.actorId}${s.actorDepartment ? `（${s.actorDepartment}）` : ''}`),
      s.note ? h('p', {class: 'note'}, s.note) : null))));
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    box.append(errorBox(err, '处理记录'));
  }
}

// The archive exactly as the API returns it (masked view by default).
async function loadCustomer(customer, box, signal) {
  if (!customer) return;
  try {
    const a = await call(customer, {signal});
    const contacts = a.contacts || [];
    add(box, dl([
      ['客户编号', a.archiveNumber],
      ['名称', a.displayName],
      ['等级', label(GRADE, a.grade)],
      ['地区', [a.province, a.city].filter(Boolean).join(' ')],
      ['地址', a.address],
      ['信用代码 / 证件号', a.creditCode],
      ['客户经理', staff(a.ownerId)],
    ]), contacts.length ? table([
      {title: '联系人', cell: k => `${k.displayName}${k.primary ? '（主）' : ''}`},
      {title: '职务', cell: k => k.title || '—'},
      {title: '电话', cell: k => (k.phones || []).join('、') || '—', class: 'mono'},
      {title: '邮箱', cell: k => k.email || '—', class: 'mono'},
    ], contacts, {class: 'grid', id: 'contacts'}) : null,
    a.masked ? h('p', {class: 'hint'}, '个人信息按权限遮蔽显示（如 138****5678）；查看完整信息须经授权并登记借阅，本控制台不提供。') : null);
  } catch (err) {
    if (err.name === 'AbortError' || err.unauthenticated) throw err;
    box.append(errorBox(err, '客户档案'));
  }
}
