// The data the console tests look at, made through the REST API as people
// would: a team, three customer archives with contacts, return-visit plans
// (one long overdue), and complaints in several departments and states. One
// critical complaint's acknowledge deadline is moved into the past in the
// database (the binaries cannot move their clock), so that complaint-svc's
// own sweep breaches and escalates it.

export const STAFF = {
  archivist: ['arch', 'archivist', '档案室'],
  agent: ['li.na', 'agent', '客服部'],
  agent2: ['wang.fang', 'agent', '客服部'],
  supervisor: ['zhang.min', 'supervisor', '客服部'],
  warehouse: ['zhao.lei', 'supervisor', '仓储物流'],
  gm: ['chen.zong', 'general_manager', '总经理办公室'],
};

// A valid unified social credit code per n (GB 32100-2015).
function uscc(n) {
  const cs = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let body = '';
  for (let i = 6, v = n; i >= 0; i--, v = Math.floor(v / 31)) body = cs[v % 31] + body;
  const code = `91330100MA${body}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += cs.indexOf(code[i]) * w[i];
  return code + cs[(31 - (sum % 31)) % 31];
}

function shanghaiDate(offsetDays = 0) {
  const d = new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3);
  return {year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate()};
}

export async function makeScenario(w) {
  const tok = {};
  for (const [k, v] of Object.entries(STAFF)) tok[k] = await w.token(...v);
  const s = {tok, customers: [], complaints: {}};
  await w.api('POST', '/v1/teams?team_id=kf-east', tok.archivist,
    {displayName: '华东客服组', department: '客服部', memberIds: ['li.na', 'wang.fang']});
  const names = [['杭州云帆科技有限公司', '浙江省', '杭州市'], ['宁波海联物流有限公司', '浙江省', '宁波市'],
    ['苏州精工机械有限公司', '江苏省', '苏州市']];
  for (const [i, [name, province, city]] of names.entries()) {
    const r = await w.api('POST', `/v1/customers?request_id=console-c-${i}`, tok.archivist, {
      displayName: name, kind: 'CUSTOMER_KIND_ENTERPRISE', creditCode: uscc(i + 1), province, city,
      industry: '制造业', team: 'kf-east', address: `${city}滨江区江南大道 ${100 + i} 号`,
      contacts: [{displayName: ['王芳', '李强', '周敏'][i], title: '采购经理', phones: [`1380000${String(i + 1).padStart(4, '0')}`],
        email: `buyer${i + 1}@example.com`, primary: true}],
    });
    s.customers.push(r.customer);
  }
  // Return visits: a project delivered two years ago was never visited
  // (overdue), one delivered 20 days ago falls due within the month.
  for (const [i, c] of s.customers.entries()) {
    const old = shanghaiDate(-730 - i);
    await w.api('POST', `/v1/${c.name}/visitPlans?request_id=console-plan-old-${i}`, tok.archivist,
      {project: `ERP 一期实施（${i + 1}）`, deliveryDate: old});
    await w.api('POST', `/v1/${c.name}/visitPlans?request_id=console-plan-new-${i}`, tok.archivist,
      {project: `仓储系统升级（${i + 1}）`, deliveryDate: shanghaiDate(-20)});
  }
  const register = async (key, who, body) => {
    const r = await w.api('POST', `/v1/complaints?request_id=console-${key}`, tok[who], {channel: 'COMPLAINT_CHANNEL_PHONE_HOTLINE', ...body});
    s.complaints[key] = r.complaint;
    return r.complaint;
  };
  const verb = async (key, v, who, body = {}) => {
    const c = await w.api('POST', `/v1/${s.complaints[key].name}:${v}`, tok[who], {requestId: `console-${key}-${v}`, ...body});
    s.complaints[key] = c;
    return c;
  };
  await register('service', 'agent', {customer: s.customers[0].name, category: 'service', severity: 'SEVERITY_NORMAL',
    subject: '客服电话长时间无人接听', description: '客户反映连续三天拨打热线等待超过二十分钟。', matterReference: 'HL-2026-001'});
  await verb('service', 'accept', 'agent');
  await verb('service', 'start', 'agent');
  await verb('service', 'recordInvestigation', 'agent', {findings: '核实：高峰时段坐席不足，排队超过 20 分钟。'});
  await register('packaging', 'agent', {customer: s.customers[1].name, category: 'packaging', severity: 'SEVERITY_MAJOR',
    subject: '外箱破损，内件受潮', description: '到货三箱外箱破损。', matterReference: 'SO-2026-0042'});
  await register('quality', 'agent2', {customer: s.customers[2].name, category: 'quality', severity: 'SEVERITY_CRITICAL',
    subject: '设备运行异响并停机', description: '新交付设备运行两小时后停机。', matterReference: 'SN-88231'});
  await register('attitude', 'agent', {customer: s.customers[0].name, category: 'attitude', severity: 'SEVERITY_NORMAL',
    subject: '上门工程师态度生硬', description: '客户对上门服务人员态度不满。', matterReference: 'WO-5521'});
  await verb('attitude', 'accept', 'agent');
  await verb('attitude', 'transfer', 'supervisor', {toDepartment: '仓储物流', reason: '涉及物流配送人员，移交仓储物流处理'});
  await register('closed', 'agent2', {customer: s.customers[1].name, category: 'service', severity: 'SEVERITY_NORMAL',
    subject: '发票邮寄地址错误', description: '发票寄往旧地址。', matterReference: 'INV-2026-77'});
  await verb('closed', 'accept', 'agent2');
  await verb('closed', 'start', 'agent2');
  await verb('closed', 'resolve', 'agent2', {resolution: {causeAnalysis: '地址未同步', immediateFix: '重新开具并快递',
    correctiveAction: '开票前核对地址', responsibility: 'RESPONSIBILITY_COMPANY'}});
  await verb('closed', 'confirm', 'agent2', {satisfaction: 'SATISFACTION_SATISFIED', customerFeedback: '处理及时'});
  await verb('closed', 'close', 'agent2', {returnVisit: {method: 'phone', satisfaction: 'SATISFACTION_SATISFIED', notes: '客户满意'}});
  await escalateNow(w, s);
  return s;
}

// The critical complaint's acknowledge deadline two hours ago: the sweep
// (every second in these tests) marks the breach and escalates it.
async function escalateNow(w, s) {
  const c = s.complaints.quality;
  const id = Number(c.name.split('/')[1]);
  const db = w.db.complaint;
  await w.sql(`UPDATE complaints SET ack_due = UTC_TIMESTAMP(6) - INTERVAL 2 HOUR,
    ack_warn_at = UTC_TIMESTAMP(6) - INTERVAL 3 HOUR, next_action_time = UTC_TIMESTAMP(6) - INTERVAL 2 HOUR
    WHERE id = ${id}`, db);
  const deadline = Date.now() + 30000;
  for (;;) {
    const got = await w.api('GET', `/v1/${c.name}`, s.tok.supervisor);
    if (got.escalationLevel && got.escalationLevel !== 'ESCALATION_LEVEL_UNSPECIFIED') {
      s.complaints.quality = got;
      return;
    }
    if (Date.now() > deadline) throw new Error(`the sweep did not escalate ${c.name}: ${JSON.stringify(got)}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

// Seven more agents of 客服部 who each accept one service complaint in
// time (a deadline met on time: evidence for the quarter's ranking), so that
// with li.na and wang.fang nine staff are ranked: places 1-3, 4-8 and one
// beyond the tiers. The complaints go into s.complaints (rank-N).
export async function makeRankedAgents(w, s) {
  for (let i = 1; i <= 7; i++) {
    const staff = `agent.${i}`;
    const tok = await w.token(staff, 'agent', '客服部');
    const key = `rank-${i}`;
    const r = await w.api('POST', `/v1/complaints?request_id=console-${key}`, s.tok.agent, {
      channel: 'COMPLAINT_CHANNEL_PHONE_HOTLINE', customer: s.customers[i % 3].name, category: 'service',
      severity: 'SEVERITY_NORMAL', subject: `回访电话未按约定时间拨打（${i}）`, description: '客户等待约定回电未果。',
      matterReference: `CB-2026-${i}`});
    s.complaints[key] = await w.api('POST', `/v1/${r.complaint.name}:accept`, tok, {requestId: `console-${key}-accept`});
  }
}
