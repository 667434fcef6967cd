// Words and numbers as the console shows them (zh-CN, Beijing time). No DOM:
// the tests import this module to format the figures they compare.

export const TIME_ZONE = 'Asia/Shanghai';

export const STATE = {
  COMPLAINT_STATE_REGISTERED: '登记',
  COMPLAINT_STATE_ACCEPTED: '受理',
  COMPLAINT_STATE_TRANSFERRED: '移交',
  COMPLAINT_STATE_IN_PROGRESS: '处理中',
  COMPLAINT_STATE_WAITING_ON_CUSTOMER: '等待客户',
  COMPLAINT_STATE_RESOLVED: '已处理',
  COMPLAINT_STATE_CONFIRMED: '已确认',
  COMPLAINT_STATE_CLOSED: '结案',
  COMPLAINT_STATE_REOPENED: '重新打开',
  COMPLAINT_STATE_REJECTED: '已驳回',
};
// The states in the order work moves through them.
export const STATE_ORDER = Object.keys(STATE);
export const OPEN_STATES = STATE_ORDER.filter(
  s => s !== 'COMPLAINT_STATE_CLOSED' && s !== 'COMPLAINT_STATE_REJECTED');

export const SEVERITY = {
  SEVERITY_NORMAL: '一般',
  SEVERITY_MAJOR: '重大',
  SEVERITY_CRITICAL: '紧急',
};

export const CHANNEL = {
  COMPLAINT_CHANNEL_PHONE_HOTLINE: '电话热线',
  COMPLAINT_CHANNEL_VISIT: '来访',
  COMPLAINT_CHANNEL_EMAIL: '邮件',
  COMPLAINT_CHANNEL_WEB: '网站',
  COMPLAINT_CHANNEL_LETTER: '信函',
  COMPLAINT_CHANNEL_SERVICE: '系统接入',
};

export const DEADLINE = {
  DEADLINE_KIND_ACKNOWLEDGE: '受理时限',
  DEADLINE_KIND_INVESTIGATED: '调查核实时限',
  DEADLINE_KIND_HANDLING_OPINION: '处理意见时限',
};

export const ESCALATION = {
  ESCALATION_LEVEL_UNSPECIFIED: '',
  ESCALATION_LEVEL_SUPERVISOR: '主管',
  ESCALATION_LEVEL_DEPARTMENT_MANAGER: '部门经理',
  ESCALATION_LEVEL_GENERAL_MANAGER: '总经理',
};

export const RESPONSIBILITY = {
  RESPONSIBILITY_COMPANY: '公司责任',
  RESPONSIBILITY_CUSTOMER: '客户责任',
  RESPONSIBILITY_THIRD_PARTY: '第三方责任',
};

export const SATISFACTION = {
  SATISFACTION_SATISFIED: '满意',
  SATISFACTION_FAIRLY_SATISFIED: '比较满意',
  SATISFACTION_NEUTRAL: '一般',
  SATISFACTION_DISSATISFIED: '不满意',
  SATISFACTION_VERY_DISSATISFIED: '非常不满意',
};

export const REJECTION = {
  REJECTION_KIND_INVALID: '无效投诉',
  REJECTION_KIND_DUPLICATE: '重复投诉',
};

export const STEP_ACTION = {
  register: '登记', link: '重复来电关联', accept: '受理', transfer: '移交', start: '开始处理',
  investigate: '调查核实', wait: '等待客户', wait_for_customer: '等待客户', resume: '恢复处理',
  resolve: '处理完成', confirm: '客户确认', close: '结案（投诉回访）', reopen: '重新打开',
  reject: '驳回', reclassify: '重新分类', reassign: '改派', escalate: '升级', breach: '超时',
  warn: '时限预警', link_fault_report: '关联故障报告', notify_general_manager: '通报总经理（重大事项）',
};

export const GRADE = {GRADE_A: 'A 类', GRADE_B: 'B 类', GRADE_C: 'C 类'};

export const VISIT_STATUS = {
  VISIT_STATUS_NOT_DUE: '未到期',
  VISIT_STATUS_DUE_SOON: '即将到期',
  VISIT_STATUS_DUE: '今日到期',
  VISIT_STATUS_OVERDUE: '逾期',
  VISIT_STATUS_CLOSED: '已关闭',
};

export const REPORT_KIND = {
  REPORT_KIND_WEEKLY: '周报',
  REPORT_KIND_SUPERVISION: '服务监督报告',
  REPORT_KIND_COMPLAINT_ANALYSIS: '投诉分析',
  REPORT_KIND_SLA_ACCOUNTABILITY: '时限责任（SLA）',
  REPORT_KIND_SATISFACTION: '满意度',
  REPORT_KIND_CUSTOMER_ANALYSIS: '客户分析',
  REPORT_KIND_RETURN_VISITS: '客户回访',
  REPORT_KIND_ATTRITION_WARNING: '客户流失预警',
  REPORT_KIND_STAFF_RANKING: '考核排名',
  REPORT_KIND_COMPLAINT_LEDGER: '投诉台账',
};

export const RANKING_METRIC = {
  RANKING_METRIC_ON_TIME_RATE: '按时率',
  RANKING_METRIC_SATISFACTION_RATE: '满意率',
  RANKING_METRIC_VISITS_DONE: '回访量',
  RANKING_METRIC_PROMISE_KEPT_RATE: '承诺兑现率',
  RANKING_METRIC_VISIT_RATE: '回访率',
  RANKING_METRIC_RESOLVED: '处理量',
};

export const DECIDED_BY = {score: '得分', evidence: '证据数', staff_id: '员工编号'};

export const SOURCE = {'customer-svc': '客户档案（customer-svc）', 'complaint-svc': '投诉处理（complaint-svc）'};

export function label(map, value) {
  if (value === undefined || value === null || value === '') return '—';
  return map[value] || value;
}

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

// "2026-11-16 10:00" in Beijing time; "—" for an unset timestamp.
export function time(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime()) || d.getTime() <= 0) return '—';
  const p = Object.fromEntries(dateTime.formatToParts(d).map(x => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// {year, month, day} as "2026-11-16".
export function date(d) {
  if (!d || !d.year) return '—';
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

// Today in Beijing time as {year, month, day}.
export function today(now = new Date()) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric',
  }).formatToParts(now).map(x => [x.type, x.value]));
  return {year: Number(p.year), month: Number(p.month), day: Number(p.day)};
}

export function addDays(d, n) {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return {year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate()};
}

// A Ratio as shown: "66.67%" with "2/3" beside it; "无数据" when the
// denominator is 0 (never 0 % or 100 %).
export function ratio(r) {
  if (!r || r.noData || !r.denominator) return {text: '无数据', detail: '', noData: true};
  return {text: `${Number(r.percent).toFixed(2)}%`, detail: `${r.numerator}/${r.denominator}`, noData: false};
}

export function count(n) {
  return String(Number(n || 0));
}

// Working minutes as "7 小时 0 分" (working time, not wall-clock time).
export function workingMinutes(n) {
  const m = Number(n || 0);
  if (m < 60) return `${m} 分`;
  return `${Math.floor(m / 60)} 小时 ${m % 60} 分`;
}

export function staff(id) {
  return id ? id : '—';
}
