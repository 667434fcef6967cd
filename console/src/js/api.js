// The gateway's REST API, same origin (/v1/...). Every failure becomes an
// ApiError carrying the google.rpc.Status the gateway returns (code,
// message, field violations); a 401 also tells the app to show the sign-in
// form. The console never asks for CUSTOMER_VIEW_FULL: personal data is
// shown exactly as the API masks it.
import {token} from './auth.js';

export const CODE_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED',
  'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION',
  'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
  'UNAUTHENTICATED'];

export class ApiError extends Error {
  constructor(httpStatus, status) {
    super(status && status.message ? status.message : `HTTP ${httpStatus}`);
    this.httpStatus = httpStatus;
    this.code = status && typeof status.code === 'number' ? status.code : 2;
    this.codeName = CODE_NAMES[this.code] || `CODE_${this.code}`;
    this.violations = [];
    for (const d of (status && status.details) || []) {
      for (const v of d.fieldViolations || []) this.violations.push(v);
    }
  }
  get unauthenticated() { return this.httpStatus === 401; }
}

let onUnauthenticated = () => {};
export function whenUnauthenticated(callback) {
  onUnauthenticated = callback;
}

// Query string from an object: arrays repeat the key, empty values are left
// out. Keys are proto field paths (`period.kind`, `filter.departments`).
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') q.append(key, String(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function call(path, {method = 'GET', params, body, signal} = {}) {
  const headers = {Accept: 'application/json'};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/v1/${path}${query(params)}`, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, {code: 14, message: `无法连接网关：${e.message}`});
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, json || {code: 2, message: text.slice(0, 300)});
    if (err.unauthenticated) onUnauthenticated(err);
    throw err;
  }
  if (json === null) throw new ApiError(res.status, {code: 13, message: '网关返回的不是 JSON'});
  return json;
}

// Every page of a list method, up to `limit` items; `truncated` says more
// were left.
export async function listAll(path, key, {params = {}, pageSize = 200, limit = 1000, signal} = {}) {
  const items = [];
  let pageToken = '';
  for (;;) {
    const page = await call(path, {params: {...params, page_size: pageSize, page_token: pageToken}, signal});
    items.push(...(page[key] || []));
    pageToken = page.nextPageToken || '';
    if (!pageToken) return {items, truncated: false};
    if (items.length >= limit) return {items, truncated: true};
  }
}
