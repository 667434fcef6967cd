// The console's shell: the routes (#/page/...?filters), the signed-in
// person in the top bar, and the sign-in form, shown whenever the API
// answers 401 (no token, an expired or invalid one) instead of a blank page.
import {whenUnauthenticated} from './api.js';
import {claims, expired, setToken, signOut, token} from './auth.js';
import {add, clear, h} from './dom.js';
import {time} from './format.js';
import * as complaint from './pages/complaint.js';
import * as complaints from './pages/complaints.js';
import * as dashboard from './pages/dashboard.js';
import * as ranking from './pages/ranking.js';
import * as snapshot from './pages/snapshot.js';
import * as visits from './pages/visits.js';

const ROUTES = {
  dashboard: {page: dashboard, nav: 'dashboard', title: '监督看板'},
  complaints: {page: complaints, nav: 'complaints', title: '投诉看板'},
  complaint: {page: complaint, nav: 'complaints', title: '投诉详情'},
  visits: {page: visits, nav: 'visits', title: '客户回访'},
  ranking: {page: ranking, nav: 'ranking', title: '考核排名'},
  snapshot: {page: snapshot, nav: 'dashboard', title: '报表快照'},
};

const main = document.getElementById('main');
let rendering = null;

// "#/complaints/12?severity=SEVERITY_MAJOR" -> {name: 'complaint', id: '12', params}
export function route(hash = location.hash) {
  const [path, q] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(q || '');
  if (parts[0] === 'complaints' && parts[1]) return {name: 'complaint', id: parts[1], params};
  if (parts[0] === 'snapshots' && parts[1]) return {name: 'snapshot', id: parts[1], params};
  return {name: ROUTES[parts[0]] ? parts[0] : 'complaints', params};
}

// Replaces the filters in the address without reloading the page.
export function setParams(params) {
  const [path] = location.hash.split('?');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null && v !== false) q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', `${path || '#/'}${s ? `?${s}` : ''}`);
}

async function render() {
  const r = route();
  const def = ROUTES[r.name];
  document.title = `${def.title} · 客服管理控制台`;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.route === def.nav);
  }
  renderWho();
  if (rendering) rendering.abort();
  const ctl = new AbortController();
  rendering = ctl;
  clear(main);
  main.dataset.page = r.name;
  main.dataset.ready = '';
  // Each render draws into its own element: when the sign-in form replaces
  // it, whatever a page still adds goes nowhere.
  const view = h('div', {class: 'view'});
  main.appendChild(view);
  try {
    await def.page.render(view, {...r, signal: ctl.signal});
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    if (err && err.unauthenticated) return; // the sign-in form is up
    console.warn('page failed', err);
    view.appendChild(h('div', {class: 'notice error', role: 'alert'}, `页面出错：${err && err.message}`));
  }
  if (rendering === ctl) main.dataset.ready = 'true';
}

function renderWho() {
  const who = clear(document.getElementById('who'));
  const c = token() ? claims() : null;
  if (c) {
    add(who, h('span', {class: 'who-name'}, c.sub || '（无员工编号）'),
      h('span', {class: 'who-meta'}, [c.dept, (c.roles || []).join('、')].filter(Boolean).join(' · ')),
      c.exp ? h('span', {class: expired(c) ? 'who-meta who-expired' : 'who-meta'},
        expired(c) ? `已于 ${time(c.exp * 1000)} 过期` : `有效至 ${time(c.exp * 1000)}`) : null,
      h('button', {type: 'button', class: 'link', onclick: () => { signOut(); showSignIn(null, '已退出登录。'); }}, '退出'));
  } else if (token()) {
    who.append(h('span', {class: 'who-meta'}, '已粘贴令牌'),
      h('button', {type: 'button', class: 'link', onclick: () => { signOut(); showSignIn(null, '已退出登录。'); }}, '退出'));
  } else {
    who.append(h('span', {class: 'who-meta'}, '未粘贴令牌（单点登录或未登录）'),
      h('button', {type: 'button', class: 'link', onclick: () => showSignIn(null, '')}, '登录'));
  }
}

// Why the API refused the caller, in words: an expired token, an invalid
// one, or none at all (no single-sign-on proxy in front either).
function reason(err) {
  const t = token();
  const c = t ? claims(t) : null;
  if (!t) return {title: '请先登录', text: '未提供令牌：请粘贴令牌登录，或经单点登录入口访问本控制台。'};
  if (expired(c)) return {title: '登录已过期', text: `令牌已于 ${time(c.exp * 1000)} 过期，请重新登录。`};
  return {title: '令牌无效', text: '服务拒绝了这个令牌，请重新登录。'};
}

export function showSignIn(err, note) {
  if (rendering) rendering.abort();
  rendering = null;
  clear(main);
  main.dataset.page = 'signin';
  const why = err ? reason(err) : {title: '登录', text: note || ''};
  const input = h('textarea', {id: 'token-input', rows: 5, spellcheck: 'false', autocomplete: 'off',
    placeholder: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', 'aria-label': '令牌'});
  const form = h('form', {class: 'signin card', id: 'signin', onsubmit: e => {
    e.preventDefault();
    setToken(input.value);
    if (!location.hash || location.hash === '#/signin') location.hash = '#/complaints';
    render();
  }},
  h('h1', {}, why.title),
  why.text ? h('p', {class: 'signin-reason', role: 'alert'}, why.text) : null,
  err ? h('p', {class: 'status-message'}, `服务答复：${err.message}（HTTP ${err.httpStatus} · ${err.codeName}）`) : null,
  h('label', {for: 'token-input'}, '粘贴令牌（Bearer JWT）'), input,
  h('p', {class: 'hint'}, '令牌只保存在本标签页（sessionStorage），关闭标签页即清除。本地环境的令牌由 ',
    h('code', {}, 'scripts/run-local.sh'), ' 打印并保存在 ', h('code', {}, '.local/token'),
    '；经单点登录代理访问时无需粘贴。'),
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, '登录'),
    token() ? h('button', {type: 'button', onclick: () => { signOut(); showSignIn(null, '已退出登录。'); }}, '清除令牌') : null));
  main.appendChild(form);
  main.dataset.ready = 'true';
  renderWho();
  input.focus();
}

whenUnauthenticated(err => showSignIn(err));
window.addEventListener('hashchange', render);
render();
