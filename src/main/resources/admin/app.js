// Caravan's admin page: plain JavaScript over the JSON API at /admin/api (no framework, no CDN). Every value from
// the server reaches the page through textContent or an attribute, never as HTML.
'use strict';

(function () {
  const API = '/admin/api';
  const SVG = 'http://www.w3.org/2000/svg';
  const state = {
    csrf: null,
    view: null,
    dashTimer: null,
    skew: 0, // server time minus this browser's time
    zone: null, // TIMEZONE, in which every time on the page is shown (null: the browser's own zone)
    // pool: 'keys' (the Gemini pool, API_KEYS) or 'vertex-keys' (VERTEX_API_KEYS, which the page only resets,
    // disables and enables: its keys come from the environment)
    keys: { pool: 'keys', q: '', state: 'all', sort: 'pool', dir: 'asc', page: 1, size: 50, selected: new Set(), rows: [] },
    logs: { kind: 'requests', next: null, selected: new Set() },
  };

  // ---- small helpers ----
  const $ = (id) => document.getElementById(id);

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const now = () => Date.now() + state.skew;
  const fmtNum = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
  const pad = (n) => String(n).padStart(2, '0');
  // times are shown in the server's TIMEZONE (from /session), as its retention's midnight is, whatever the browser's zone
  let zoneFormat = null;
  function setZone(zone) {
    state.zone = null;
    zoneFormat = null;
    if (!zone) return;
    try {
      zoneFormat = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric',
        month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
      state.zone = zone;
    } catch (e) { /* a zone this browser does not know: its own zone */ }
  }
  function wall(ms) {
    if (!zoneFormat) {
      const d = new Date(ms);
      return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
    }
    const p = {};
    for (const x of zoneFormat.formatToParts(new Date(ms))) p[x.type] = x.value;
    return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second };
  }
  function fmtTime(ms) {
    if (!ms) return '–';
    const w = wall(ms);
    return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
  }
  function fmtClock(ms) {
    const w = wall(ms);
    return `${pad(w.h)}:${pad(w.mi)}`;
  }
  // a time typed on the page (a datetime-local field) read in TIMEZONE, as epoch milliseconds
  function fromWall(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
    if (!m || !zoneFormat) return new Date(text).getTime();
    const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    let t = asUtc;
    // the zone's offset at that instant, twice: right on either side of a daylight-saving change
    for (let i = 0; i < 2; i++) {
      const w = wall(t);
      t = asUtc - (Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - t);
    }
    return t;
  }
  function ago(ms) {
    if (!ms) return 'never';
    const sec = Math.max(0, Math.round((now() - ms) / 1000));
    if (sec < 60) return `${sec} s ago`;
    if (sec < 3600) return `${Math.floor(sec / 60)} min ago`;
    if (sec < 86400) return `${Math.floor(sec / 3600)} h ago`;
    return `${Math.floor(sec / 86400)} d ago`;
  }
  function countdown(until) {
    let sec = Math.max(0, Math.ceil((until - now()) / 1000));
    if (sec === 0) return 'now';
    const d = Math.floor(sec / 86400); sec %= 86400;
    const hh = Math.floor(sec / 3600); sec %= 3600;
    const mm = Math.floor(sec / 60); const ss = sec % 60;
    if (d > 0) return `${d} d ${hh} h`;
    if (hh > 0) return `${hh} h ${pad(mm)} min`;
    if (mm > 0) return `${mm} min ${pad(ss)} s`;
    return `${ss} s`;
  }

  // ---- the API ----
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || `HTTP ${status}`);
      this.status = status;
      this.fields = body && body.error && body.error.fields;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    const res = await fetch(API + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401 && path !== '/login') {
      showLogin('Your session has ended: log in again.');
      throw new ApiError(401, data);
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  function setMessage(el, text, ok) {
    el.textContent = text || '';
    el.classList.toggle('ok', !!ok && !!text);
    el.classList.toggle('bad', !ok && !!text);
  }

  // ---- login and navigation ----
  function showLogin(message) {
    state.csrf = null;
    stopDashboard();
    $('top').hidden = true;
    for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== 'view-login';
    $('login-error').textContent = message || '';
    $('login-token').value = '';
    $('login-token').focus();
  }

  async function login(ev) {
    ev.preventDefault();
    const token = $('login-token').value;
    try {
      const r = await api('POST', '/login', { token });
      state.csrf = r.csrfToken;
      setZone(r.timezone);
      $('login-token').value = '';
      enter();
    } catch (e) {
      $('login-error').textContent = e.message;
    }
  }

  async function logout() {
    try { await api('POST', '/logout', {}); } catch (e) { /* the session is gone either way */ }
    showLogin('You are logged out.');
  }

  function enter() {
    $('top').hidden = false;
    if (!location.hash || location.hash === '#login') location.hash = '#dashboard';
    route();
  }

  function route() {
    if (!state.csrf) return;
    const view = (location.hash || '#dashboard').slice(1);
    const known = ['dashboard', 'keys', 'settings', 'logs'];
    const v = known.includes(view) ? view : 'dashboard';
    state.view = v;
    for (const el of document.querySelectorAll('.view')) el.hidden = el.id !== `view-${v}`;
    for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.view === v);
    stopDashboard();
    if (v === 'dashboard') startDashboard();
    if (v === 'keys') loadKeys();
    if (v === 'settings') loadSettings();
    if (v === 'logs') loadLogs(true);
  }

  // ---- dashboard ----
  function startDashboard() {
    loadDashboard();
    state.dashTimer = setInterval(loadDashboard, 10000);
  }
  function stopDashboard() {
    if (state.dashTimer) clearInterval(state.dashTimer);
    state.dashTimer = null;
  }

  async function loadDashboard() {
    let d;
    try { d = await api('GET', '/dashboard'); } catch (e) { return; }
    state.skew = d.now - Date.now();
    const hr = d.hour; const day = d.day; const k = d.keys; const vk = d.vertexKeys;
    const rate = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);
    const usable = k.active + k.cooling;
    const stats = [
      ['Requests, last hour', fmtNum(hr.total), `${fmtNum(day.total)} in 24 h`, ''],
      ['Errors, last hour', fmtNum(hr.failed), `${fmtNum(day.failed)} in 24 h`, hr.failed > 0 ? 'bad' : ''],
      ['Success rate, 24 h', rate(day.successRate), `last hour ${rate(hr.successRate)}`,
        day.successRate === null ? '' : day.successRate >= 0.95 ? 'good' : 'bad'],
      ['Tokens, 24 h', fmtNum(day.tokens), `${fmtNum(hr.tokens)} in the last hour`, ''],
      ['Usable keys', `${fmtNum(usable)} / ${fmtNum(k.total)}`, `${fmtNum(k.cooling)} cooling`, usable === 0 && k.total > 0 ? 'bad' : ''],
    ];
    // the Vertex Express pool, when VERTEX_API_KEYS has keys
    if (vk && vk.total > 0) {
      const vUsable = vk.active + vk.cooling;
      stats.push(['Usable Vertex keys', `${fmtNum(vUsable)} / ${fmtNum(vk.total)}`, `${fmtNum(vk.cooling)} cooling`,
        vUsable === 0 ? 'bad' : '']);
    }
    $('dash-stats').replaceChildren(...stats.map(([label, value, sub, cls]) =>
      h('div', { class: `stat ${cls}` }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value),
        h('div', { class: 'sub' }, sub))));
    $('dash-keys').replaceChildren(h('h4', {}, 'Gemini pool (API_KEYS)'), stateBar(k), h('h4', {}, 'Vertex Express pool (VERTEX_API_KEYS)'),
      vk && vk.total > 0 ? stateBar(vk) : h('p', { class: 'muted' }, 'No keys: VERTEX_API_KEYS is empty.'));
    $('chart-hour').replaceChildren(chart(hr, (t) => fmtClock(t)), legend());
    $('chart-day').replaceChildren(chart(day, (t) => fmtClock(t)), legend());
    loadQuota();
    $('dash-updated').textContent = `updated ${fmtTime(d.now).slice(11)}${state.zone ? ` (${state.zone})` : ''} · refreshes every 10 s`
      + (d.droppedLogRows > 0 ? ` · ${fmtNum(d.droppedLogRows)} log rows dropped` : '');
  }

  // per model: the budgets' headroom (README "Quotas", pacing)
  async function loadQuota() {
    let q;
    try { q = await api('GET', '/quota'); } catch (e) { return; }
    const left = (w) => (w.projects === 0 ? '–' : `${fmtNum(w.headroom)} / ${fmtNum(w.limit)}`);
    const runout = (m) => (m.runoutSeconds < 0 ? (m.dayRequests.projects === 0 ? '–' : 'not today')
      : `${fmtTime(m.runoutAt).slice(11)} (in ${Math.round(m.runoutSeconds / 60)} min)`);
    const rows = q.models.map((m) => h('tr', {}, h('td', {}, m.model), h('td', {}, fmtNum(m.projects)),
      h('td', {}, left(m.minuteRequests)), h('td', {}, left(m.minuteTokens)), h('td', {}, left(m.dayRequests)),
      h('td', {}, runout(m))));
    $('dash-quota-body').replaceChildren(...(rows.length ? rows
      : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No limits known: set QUOTA_LIMITS, or they are learned from Google\'s 429s'))]));
  }

  const STATE_COLORS = [
    ['active', 'Active', '#12875a'], ['cooling', 'Cooling', '#f79009'], ['invalid', 'Invalid', '#d92d20'],
    ['suspended', 'Suspended', '#6941c6'], ['disabled', 'Disabled', '#98a2b3'], ['operatorDisabled', 'Disabled by an operator', '#475467'],
  ];

  function stateBar(k) {
    const total = Math.max(1, k.total);
    const bar = s('svg', { viewBox: '0 0 1000 22', preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Keys by state' });
    let x = 0;
    if (k.total === 0) bar.append(s('rect', { x: 0, y: 0, width: 1000, height: 22, fill: '#eef1f5' }));
    for (const [key, label, color] of STATE_COLORS) {
      const w = (k[key] / total) * 1000;
      if (w <= 0) continue;
      bar.append(s('rect', { x, y: 0, width: w, height: 22, fill: color }, s('title', {}, `${label}: ${k[key]}`)));
      x += w;
    }
    const legendEl = h('div', { class: 'statelegend' }, STATE_COLORS.map(([key, label, color]) => {
      const dot = s('svg', { width: 10, height: 10, viewBox: '0 0 10 10' }, s('rect', { width: 10, height: 10, rx: 2, fill: color }));
      return h('span', { dataset: { state: key } }, dot, ` ${label} `, h('b', {}, fmtNum(k[key])));
    }));
    return h('div', { class: 'statebar' }, bar, legendEl);
  }

  function legend() {
    return h('div', { class: 'legend' }, h('span', {}, h('i', { class: 'req' }), 'requests'),
      h('span', {}, h('i', { class: 'err' }), 'errors (4xx, 5xx)'));
  }

  // a bar chart drawn as inline SVG: requests in blue, the errors among them in red
  function chart(series, label) {
    const W = 600; const H = 220; const L = 40; const R = 8; const T = 10; const B = 24;
    const n = series.requests.length;
    const max = Math.max(1, ...series.requests);
    const top = niceMax(max);
    const bw = (W - L - R) / n;
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'requests and errors' });
    for (let i = 0; i <= 4; i++) {
      const v = (top * i) / 4;
      svg.append(s('line', { class: 'gridline', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.append(s('text', { class: 'axis', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmtNum(Math.round(v))));
    }
    for (let i = 0; i < n; i++) {
      const t = series.start + i * series.step;
      const req = series.requests[i]; const err = series.errors[i];
      const g = s('g', {}, s('title', {}, `${fmtTime(t).slice(0, 16)}: ${req} requests, ${err} errors`));
      const x = L + i * bw + Math.max(0.5, bw * 0.12);
      const w = Math.max(1, bw * 0.76);
      // an invisible full-height target, so the tooltip works on empty buckets too
      g.append(s('rect', { x: L + i * bw, y: T, width: bw, height: H - T - B, fill: 'transparent' }));
      if (req > 0) g.append(s('rect', { class: 'bar-req', x, y: y(req), width: w, height: y(0) - y(req) }));
      if (err > 0) g.append(s('rect', { class: 'bar-err', x, y: y(err), width: w, height: y(0) - y(err) }));
      svg.append(g);
      const every = n > 30 ? 10 : 4;
      if (i % every === 0 || i === n - 1) {
        svg.append(s('text', { class: 'axis', x: L + i * bw + bw / 2, y: H - 6, 'text-anchor': 'middle' }, label(t)));
      }
    }
    return svg;
  }

  function niceMax(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 4, 5, 10]) if (m * p >= v) return Math.max(4, m * p);
    return v;
  }

  // ---- keys ----
  let keysTimer = null;

  async function loadKeys() {
    const k = state.keys;
    const q = new URLSearchParams({ q: k.q, state: k.state, sort: k.sort, dir: k.dir, page: k.page, size: k.size });
    let d;
    try { d = await api('GET', `/${k.pool}?${q}`); } catch (e) { setMessage($('keys-message'), e.message, false); return; }
    state.skew = d.now - Date.now();
    k.page = d.page;
    k.rows = d.keys;
    k.maxFailures = d.maxFailures;
    const wholePool = k.pool === 'keys';
    $('keys-summary').textContent = `${fmtNum(d.total)} shown of ${fmtNum(d.poolSize)} ${wholePool ? '' : 'Vertex '}keys`;
    $('keys-add-open').hidden = !wholePool;
    if (!wholePool) $('keys-add').hidden = true;
    for (const b of document.querySelectorAll('[data-whole-pool]')) b.hidden = !wholePool;
    $('keys-page').textContent = `Page ${d.page} of ${d.pages}`;
    $('keys-prev').disabled = d.page <= 1;
    $('keys-next').disabled = d.page >= d.pages;
    for (const th of document.querySelectorAll('#keys-table th[data-sort]')) {
      th.classList.toggle('sorted-asc', th.dataset.sort === k.sort && k.dir === 'asc');
      th.classList.toggle('sorted-desc', th.dataset.sort === k.sort && k.dir === 'desc');
    }
    // issue 14: projects shared by many keys add no capacity
    const warnings = (d.projects || []).filter((p) => p.warning).map((p) => p.warning);
    const projectsBox = $('keys-projects');
    if (projectsBox) {
      projectsBox.hidden = warnings.length === 0;
      projectsBox.textContent = warnings.join(' · ');
    }
    const body = $('keys-body');
    if (d.keys.length === 0) {
      const empty = !wholePool ? 'The Vertex pool has no keys: set VERTEX_API_KEYS.' : 'The pool has no keys yet: add some.';
      body.replaceChildren(h('tr', {}, h('td', { class: 'empty', colspan: 9 }, d.poolSize === 0 ? empty : 'No key matches.')));
    } else {
      body.replaceChildren(...d.keys.map(keyRow));
    }
    updateBulk();
  }

  function stateOf(r) {
    if (r.state === 'ACTIVE') return r.cooldownUntil ? ['cooling', 'Cooling'] : ['active', 'Active'];
    if (r.operatorDisabled) return ['operator', 'Disabled by operator'];
    return [r.state.toLowerCase(), r.state.charAt(0) + r.state.slice(1).toLowerCase()];
  }

  function evidenceText(ev) {
    if (!ev) return '–';
    const parts = [ev.reason || 'unknown'];
    if (ev.status) parts.push(`HTTP ${ev.status}`);
    if (ev.quotaId) parts.push(ev.quotaId);
    return parts.join(' · ');
  }

  function keyRow(r) {
    const [cls, label] = stateOf(r);
    const selected = state.keys.selected.has(r.fingerprint);
    const check = h('input', { type: 'checkbox', 'aria-label': `Select ${r.mask}`, checked: selected,
      onchange: (e) => { toggleSelect(r.fingerprint, e.target.checked); e.target.closest('tr').classList.toggle('selected', e.target.checked); } });
    const back = r.cooldownUntil
      ? h('span', { class: 'countdown', dataset: { until: r.cooldownUntil }, title: `until ${fmtTime(r.cooldownUntil)}` }, countdown(r.cooldownUntil))
      : '–';
    const cooling = r.cooldowns.map((c) => `${c.model || '(all models)'}: ${c.kind.toLowerCase()} until ${fmtTime(c.until)}`).join('\n');
    const usageEntries = Object.entries(r.usageToday);
    const usage = usageEntries.length === 0 ? '0'
      : h('span', { title: usageEntries.map(([m, n]) => `${m}: ${n}`).join('\n') }, fmtNum(r.usedToday),
        h('div', { class: 'usage' }, usageEntries.slice(0, 3).map(([m, n]) => `${m} ${n}`).join(', ') + (usageEntries.length > 3 ? ', …' : '')));
    const act = (action, text, extra) => h('button', { type: 'button', class: `small ${extra || ''}`, dataset: { action, fp: r.fingerprint },
      onclick: () => runAction(action, [r.fingerprint]) }, text);
    const wholePool = state.keys.pool === 'keys';
    const actions = h('div', { class: 'actions' },
      act('verify', 'Verify'),
      r.state !== 'ACTIVE' || r.strikes > 0 || r.cooldownUntil ? act('reset', 'Reset') : null,
      r.operatorDisabled ? act('enable', 'Enable') : act('disable', 'Disable'),
      wholePool ? act('delete', 'Delete', 'danger') : null);
    return h('tr', { class: selected ? 'selected' : '', dataset: { fp: r.fingerprint } },
      h('td', { class: 'check' }, check),
      h('td', {}, h('div', { class: 'mono' }, r.mask), h('div', { class: 'fp mono' }, r.fingerprint),
        r.project ? h('div', { class: 'fp', title: r.projectEvidence || null }, `project ${r.project} (${r.projectSource.toLowerCase()})`) : null),
      h('td', { title: cooling || null }, h('span', { class: `badge ${cls}` }, label)),
      h('td', { class: 'wrap' }, h('div', {}, evidenceText(r.evidence)), r.evidence ? h('div', { class: 'fp' }, fmtTime(r.evidence.at)) : null),
      h('td', { title: cooling || null }, back),
      h('td', { class: 'usage-cell' }, usage),
      h('td', { title: r.lastUsed ? fmtTime(r.lastUsed) : null }, ago(r.lastUsed)),
      h('td', {}, `${r.strikes} / ${state.keys.maxFailures}`),
      h('td', {}, actions));
  }

  function tickCountdowns() {
    for (const el of document.querySelectorAll('.countdown')) {
      const until = Number(el.dataset.until);
      el.textContent = countdown(until);
    }
  }

  function toggleSelect(fp, on) {
    if (on) state.keys.selected.add(fp); else state.keys.selected.delete(fp);
    updateBulk();
  }

  function updateBulk() {
    const n = state.keys.selected.size;
    $('keys-bulk').hidden = n === 0;
    $('keys-selected').textContent = `${n} selected`;
    const rows = state.keys.rows || [];
    $('keys-all').checked = rows.length > 0 && rows.every((r) => state.keys.selected.has(r.fingerprint));
  }

  async function runAction(action, fingerprints) {
    if (action === 'delete' && !confirm(`Delete ${fingerprints.length} key(s) from the pool for good?`)) return;
    setMessage($('keys-message'), action === 'verify' ? `Asking Google about ${fingerprints.length} key(s)…` : '', true);
    try {
      const r = await api('POST', `/${state.keys.pool}/actions`, { action, fingerprints });
      let text;
      if (action === 'verify') {
        text = r.results.map((x) => `${x.mask}: ${x.outcome}`).join(' · ');
      } else {
        text = `${action}: ${r.done.length} key(s) done` + (r.skipped.length ? `, ${r.skipped.length} skipped (${r.note || 'not applicable'})` : '');
      }
      if (r.unknown && r.unknown.length) text += ` · ${r.unknown.length} unknown`;
      setMessage($('keys-message'), text, true);
      if (action === 'delete') for (const fp of fingerprints) state.keys.selected.delete(fp);
    } catch (e) {
      setMessage($('keys-message'), e.message, false);
    }
    loadKeys();
  }

  async function addKeys() {
    const text = $('keys-add-text').value;
    try {
      const r = await api('POST', '/keys', { text });
      const parts = [`${r.found} key(s) found`, `${r.added.length} added`];
      if (r.duplicates.length) parts.push(`${r.duplicates.length} already in the pool`);
      if (r.repeatedInText) parts.push(`${r.repeatedInText} repeated in the text`);
      setMessage($('keys-add-result'), parts.join(', '), r.added.length > 0);
      if (r.added.length > 0) $('keys-add-text').value = '';
      loadKeys();
    } catch (e) {
      setMessage($('keys-add-result'), e.message, false);
    }
  }

  // ---- settings ----
  let settingsFields = [];

  async function loadSettings() {
    let d;
    try { d = await api('GET', '/settings'); } catch (e) { setMessage($('settings-message'), e.message, false); return; }
    settingsFields = d.fields;
    loadCarryover();
    const groups = new Map();
    for (const f of d.fields) {
      if (!groups.has(f.group)) groups.set(f.group, []);
      groups.get(f.group).push(f);
    }
    $('settings-groups').replaceChildren(...[...groups].map(([group, fields]) =>
      h('fieldset', {}, h('legend', {}, group), fields.map(settingField))));
  }

  // what was taken over from a gemini-balance database (README "Moving from gemini-balance"): names and counts only
  async function loadCarryover() {
    let d;
    try { d = await api('GET', '/carryover'); } catch (e) { return; }
    const box = $('carryover');
    box.hidden = d.imports.length === 0;
    const list = (xs) => (xs && xs.length ? xs.join(', ') : 'none');
    box.replaceChildren(h('h3', {}, 'Carried over from gemini-balance'), ...d.imports.map((i) => {
      const s = i.summary || {};
      const dl = h('dl', {});
      const add = (k, v) => dl.append(h('dt', {}, k), h('dd', {}, v));
      add('Table', h('span', { class: 'mono' }, i.source));
      add('When', fmtTime(i.importedAtMs));
      if (s.keys && s.keys.inTable) {
        add('Keys', `${s.keys.taken} into the pool, ${s.keys.alreadyInCaravan} already there, ${s.keys.leftOut} of API_KEYS left out (deleted in gemini-balance)`);
      }
      if (s.allowedTokens !== undefined) add('Client tokens', `${s.allowedTokens} from ALLOWED_TOKENS`);
      add('Settings taken over', list(s.settings));
      add('Same as the environment', list(s.sameAsEnvironment));
      if (s.keptCaravansOwn && s.keptCaravansOwn.length) add("Caravan's own saved value kept", list(s.keptCaravansOwn));
      const refused = Object.entries(s.refused || {}).map(([k, v]) => `${k}: ${v}`);
      if (refused.length) add('Left out', refused.join('; '));
      add('Read from the environment only', list(s.readAtStartOnly));
      add('Not used by Caravan', list(s.notUsedByCaravan));
      return dl;
    }));
  }

  function settingField(f) {
    const id = `set-${f.name}`;
    let input;
    if (f.kind === 'number') input = h('input', { type: 'number', id, name: f.name, value: f.value, step: 1 });
    else if (f.kind === 'bool') input = h('input', { type: 'checkbox', id, name: f.name, checked: !!f.value });
    else if (f.kind === 'list') input = h('textarea', { id, name: f.name, rows: Math.max(2, Math.min(6, (f.value || []).length + 1)), spellcheck: 'false' });
    else if (f.kind === 'json') input = h('textarea', { id, name: f.name, rows: 3, spellcheck: 'false' });
    else if (f.kind === 'text') input = h('input', { type: 'text', id, name: f.name, value: f.value, spellcheck: 'false' });
    else if (f.kind === 'secret-list') input = h('textarea', { id, name: f.name, rows: 3, spellcheck: 'false', autocomplete: 'off',
      placeholder: f.masked ? (f.set ? `${f.masked.length} set: leave empty to keep them` : 'none set: one per line')
        : f.set ? `${f.fingerprints.length} token(s) set: leave empty to keep them` : 'no client token set: one per line' });
    else if (f.kind === 'text') input = h('input', { type: 'text', id, name: f.name, value: f.value || '', spellcheck: 'false' });
    else input = h('input', { type: 'password', id, name: f.name, autocomplete: 'new-password',
      placeholder: f.set ? 'set: leave empty to keep it' : 'not set' });
    if (f.kind === 'list') input.value = (f.value || []).join('\n');
    if (f.kind === 'json') input.value = f.value && Object.keys(f.value).length ? JSON.stringify(f.value) : '';
    const meta = h('div', { class: 'meta' },
      f.saved ? h('span', {}, 'saved in the settings table') : h('span', {}, 'from the environment or the default'),
      f.saved ? h('label', {}, h('input', { type: 'checkbox', name: `reset-${f.name}` }), ' reset to the environment\'s value') : null,
      f.kind === 'secret-list' && f.fingerprints.length ? h('span', { class: 'mono' }, `fingerprints: ${f.fingerprints.join(', ')}`) : null,
      f.masked && f.masked.length ? h('span', { class: 'mono' }, `in force: ${f.masked.join(', ')}`) : null,
      f.name === 'PROXIES' ? proxyCheck(id) : null);
    return h('div', { class: 'field', dataset: { name: f.name } },
      h('div', {}, h('label', { class: 'name', for: id }, f.name), h('div', { class: 'help' }, f.help)),
      h('div', { class: 'control' }, input, meta, h('div', { class: 'field-error', id: `err-${f.name}` })));
  }

  // does each proxy reach Google? the ones typed in the box, or those in force when it is empty
  function proxyCheck(inputId) {
    const out = h('span', { class: 'mono', id: 'proxy-check-result' });
    const run = async () => {
      const typed = splitLines($(inputId).value);
      out.textContent = 'checking…';
      try {
        const r = await api('POST', '/proxies/check', typed.length ? { proxies: typed } : {});
        out.textContent = r.results.length ? r.results.map((x) => `${x.proxy}: ${x.reachable ? `reachable (HTTP ${x.status}, ${x.latencyMs} ms)` : `not reachable (${x.error})`}`).join(' · ')
          : 'no proxy to check';
      } catch (e) { out.textContent = e.message; }
    };
    return h('span', {}, h('button', { type: 'button', id: 'proxy-check', onclick: run }, 'Check proxies'), ' ', out);
  }

  function splitLines(text) {
    return text.split(/[\n,]/).map((x) => x.trim()).filter((x) => x.length > 0);
  }

  async function saveSettings(ev) {
    ev.preventDefault();
    const values = {};
    const reset = [];
    for (const f of settingsFields) {
      const el = $(`set-${f.name}`);
      $(`err-${f.name}`).textContent = '';
      el.closest('.field').classList.remove('invalid');
      const r = document.querySelector(`input[name="reset-${f.name}"]`);
      if (r && r.checked) { reset.push(f.name); continue; }
      let v;
      if (f.kind === 'number') v = el.value.trim();
      else if (f.kind === 'bool') v = el.checked;
      else if (f.kind === 'list') v = splitLines(el.value);
      else if (f.kind === 'json') v = el.value.trim();
      else if (f.kind === 'text') v = el.value.trim();
      else if (f.kind === 'secret-list') { if (!el.value.trim()) continue; v = splitLines(el.value); }
      else { if (!el.value) continue; v = el.value; }
      if (unchanged(f, v)) continue;
      values[f.name] = v;
    }
    if (Object.keys(values).length === 0 && reset.length === 0) {
      setMessage($('settings-message'), 'Nothing changed.', true);
      return;
    }
    try {
      const r = await api('PUT', '/settings', { values, reset });
      const parts = [];
      if (r.saved.length) parts.push(`Saved ${r.saved.join(', ')}`);
      if (r.reset.length) parts.push(`reset ${r.reset.join(', ')}`);
      setMessage($('settings-message'), `${parts.join('; ')}: in force now.`, true);
      loadSettings();
      // TIMEZONE may have changed: the page's times follow it
      api('GET', '/session').then((d) => setZone(d.timezone)).catch(() => {});
    } catch (e) {
      setMessage($('settings-message'), e.message, false);
      for (const [name, msg] of Object.entries(e.fields || {})) {
        const err = $(`err-${name}`);
        if (err) { err.textContent = msg; err.closest('.field').classList.add('invalid'); }
      }
    }
  }

  function unchanged(f, v) {
    if (f.secret) return false;
    if (f.kind === 'number') return String(f.value) === String(v);
    if (f.kind === 'bool') return !!f.value === v;
    if (f.kind === 'list') return JSON.stringify(f.value || []) === JSON.stringify(v);
    if (f.kind === 'json') return (f.value && Object.keys(f.value).length ? JSON.stringify(f.value) : '') === v;
    if (f.kind === 'text') return String(f.value || '') === v;
    return false;
  }

  // ---- logs ----
  function logQuery() {
    const q = new URLSearchParams();
    const from = $('logs-from').value; const to = $('logs-to').value;
    if (from) q.set('from', String(fromWall(from)));
    if (to) q.set('to', String(fromWall(to)));
    if ($('logs-model').value.trim()) q.set('model', $('logs-model').value.trim());
    if ($('logs-status').value) q.set('status', $('logs-status').value);
    if ($('logs-key').value.trim()) q.set('key', $('logs-key').value.trim().toLowerCase());
    return q;
  }

  const REQUEST_COLUMNS = ['Time', 'Status', 'Model', 'Path', 'Attempts', 'Latency', 'Tokens', 'Error'];
  const ERROR_COLUMNS = ['', 'Time', 'Status', 'Google', 'Model', 'Key', 'Error', 'Body'];

  function statusBadge(st) {
    return h('span', { class: `badge s${String(st).charAt(0)}` }, st);
  }

  async function loadLogs(fresh) {
    const kind = state.logs.kind;
    if (fresh) { state.logs.next = null; state.logs.selected.clear(); updateErrorActions(); }
    $('errors-actions').hidden = kind !== 'errors';
    const q = logQuery();
    if (state.logs.next) q.set('before', state.logs.next);
    let d;
    try { d = await api('GET', `/logs/${kind}?${q}`); } catch (e) { setMessage($('logs-message'), e.message, false); return; }
    setMessage($('logs-message'), '', true);
    const cols = kind === 'requests' ? REQUEST_COLUMNS : ERROR_COLUMNS;
    $('logs-head').replaceChildren(h('tr', {}, cols.map((c) => h('th', {}, c))));
    const rows = d.rows.map((r) => (kind === 'requests' ? requestRow(r) : errorRow(r)));
    if (fresh) {
      $('logs-body').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { class: 'empty', colspan: cols.length }, 'Nothing logged for these filters.'))]));
    } else {
      $('logs-body').append(...rows);
    }
    state.logs.next = d.next;
    $('logs-more').hidden = !d.next;
  }

  function requestRow(r) {
    return h('tr', { class: 'clickable', dataset: { request: r.request_id }, onclick: () => showRequest(r.request_id) },
      h('td', {}, fmtTime(r.request_at_ms)), h('td', {}, statusBadge(r.status)), h('td', {}, r.model || '–'),
      h('td', { class: 'mono' }, `${r.method || ''} ${r.path || ''}`), h('td', {}, r.attempt_count),
      h('td', {}, `${fmtNum(r.latency_ms)} ms`), h('td', {}, r.total_tokens === null ? '–' : fmtNum(r.total_tokens)),
      h('td', {}, r.error_type || ''));
  }

  function errorRow(r) {
    const pick = h('input', { type: 'checkbox', 'aria-label': `Select error ${r.id}`, dataset: { errorId: r.id },
      onclick: (e) => { e.stopPropagation(); if (e.target.checked) state.logs.selected.add(r.id); else state.logs.selected.delete(r.id); updateErrorActions(); } });
    return h('tr', { class: 'clickable', dataset: { request: r.request_id }, onclick: () => showRequest(r.request_id) },
      h('td', { class: 'check' }, pick), h('td', {}, fmtTime(r.error_at_ms)), h('td', {}, statusBadge(r.status)), h('td', {}, r.upstream_status || '–'),
      h('td', {}, r.model || '–'), h('td', { class: 'mono' }, r.key_fingerprint || '–'), h('td', {}, r.error_type || ''),
      h('td', { class: 'wrap mono' }, r.error_summary || ''));
  }

  function updateErrorActions() {
    const n = state.logs.selected.size;
    $('errors-delete-selected').disabled = n === 0;
    $('errors-delete-selected').textContent = n ? `Delete selected (${n})` : 'Delete selected';
  }

  // deletes error log rows: the selected ones, those older than N days, or all (after the operator confirms)
  async function deleteErrors(body, question) {
    if (!window.confirm(question)) return;
    try {
      const r = await api('POST', '/logs/errors/delete', body);
      await loadLogs(true);
      setMessage($('logs-message'), `Deleted ${fmtNum(r.deleted)} error log row(s).`, true);
    } catch (e) { setMessage($('logs-message'), e.message, false); }
  }

  async function showRequest(id) {
    let d;
    try { d = await api('GET', `/logs/requests/${encodeURIComponent(id)}`); } catch (e) { setMessage($('logs-message'), e.message, false); return; }
    const body = [];
    const r = d.request;
    if (r) {
      const dl = h('dl', {});
      const add = (k, v) => dl.append(h('dt', {}, k), h('dd', {}, v === null || v === undefined || v === '' ? '–' : v));
      add('Request id', h('span', { class: 'mono' }, r.request_id));
      add('Time', fmtTime(r.request_at_ms));
      add('Surface', r.surface); add('Call', `${r.method || ''} ${r.path || ''}`); add('Model', r.model);
      add('Streamed', r.streamed ? 'yes' : 'no'); add('Client', r.client_fingerprint); add('Status', statusBadge(r.status));
      add('Latency', `${fmtNum(r.latency_ms)} ms`); add('Error', r.error_type);
      add('Tokens', `prompt ${fmtNum(r.prompt_tokens)} · completion ${fmtNum(r.completion_tokens)} · thoughts ${fmtNum(r.thought_tokens)} · total ${fmtNum(r.total_tokens)}`);
      body.push(dl);
      body.push(h('h3', {}, `Attempts (${r.attempts.length})`));
      body.push(h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Key'), h('th', {}, 'Status'), h('th', {}, 'Verdict'))),
        h('tbody', {}, r.attempts.length ? r.attempts.map((a, i) => h('tr', {}, h('td', {}, i + 1), h('td', { class: 'mono' }, a.key || '–'),
          h('td', {}, a.status), h('td', {}, a.verdict || ''))) : h('tr', {}, h('td', { class: 'empty', colspan: 4 }, 'No upstream attempt')))));
    }
    for (const e of d.errors) {
      body.push(h('h3', {}, `Error: ${e.error_type || ''} (HTTP ${e.status}${e.upstream_status ? `, Google ${e.upstream_status}` : ''})`));
      body.push(h('pre', {}, prettyJson(e.error_body)));
      if (e.request_body) {
        body.push(h('h4', {}, 'Request body (keys and tokens redacted)'));
        body.push(h('pre', {}, prettyJson(e.request_body)));
      }
    }
    $('log-detail-body').replaceChildren(...body);
    $('log-detail').hidden = false;
  }

  function prettyJson(text) {
    if (!text) return '';
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  // ---- wiring ----
  function wire() {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', route);

    let searchTimer = null;
    $('keys-q').addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => { state.keys.q = $('keys-q').value; state.keys.page = 1; loadKeys(); }, 250);
    });
    $('keys-pool').addEventListener('change', () => {
      const k = state.keys;
      k.pool = $('keys-pool').value;
      k.page = 1;
      k.selected.clear();
      setMessage($('keys-message'), '', true);
      loadKeys();
    });
    $('keys-state').addEventListener('change', () => { state.keys.state = $('keys-state').value; state.keys.page = 1; loadKeys(); });
    $('keys-size').addEventListener('change', () => { state.keys.size = Number($('keys-size').value); state.keys.page = 1; loadKeys(); });
    $('keys-prev').addEventListener('click', () => { state.keys.page -= 1; loadKeys(); });
    $('keys-next').addEventListener('click', () => { state.keys.page += 1; loadKeys(); });
    for (const th of document.querySelectorAll('#keys-table th[data-sort]')) {
      th.addEventListener('click', () => {
        const k = state.keys;
        if (k.sort === th.dataset.sort) k.dir = k.dir === 'asc' ? 'desc' : 'asc';
        else { k.sort = th.dataset.sort; k.dir = th.dataset.sort === 'fingerprint' ? 'asc' : 'desc'; }
        loadKeys();
      });
    }
    $('keys-all').addEventListener('change', (e) => {
      for (const r of state.keys.rows) toggleSelect(r.fingerprint, e.target.checked);
      for (const tr of document.querySelectorAll('#keys-body tr[data-fp]')) {
        tr.classList.toggle('selected', e.target.checked);
        const cb = tr.querySelector('input[type=checkbox]');
        if (cb) cb.checked = e.target.checked;
      }
    });
    for (const b of document.querySelectorAll('[data-bulk]')) {
      b.addEventListener('click', () => runAction(b.dataset.bulk, [...state.keys.selected]));
    }
    $('keys-add-open').addEventListener('click', () => { $('keys-add').hidden = false; $('keys-add-text').focus(); });
    $('keys-add-cancel').addEventListener('click', () => { $('keys-add').hidden = true; setMessage($('keys-add-result'), '', true); });
    $('keys-add-submit').addEventListener('click', addKeys);

    $('settings-form').addEventListener('submit', saveSettings);

    for (const b of document.querySelectorAll('[data-log]')) {
      b.addEventListener('click', () => {
        state.logs.kind = b.dataset.log;
        for (const x of document.querySelectorAll('[data-log]')) x.classList.toggle('active', x === b);
        loadLogs(true);
      });
    }
    $('logs-filter').addEventListener('submit', (e) => { e.preventDefault(); loadLogs(true); });
    $('logs-clear').addEventListener('click', () => { $('logs-filter').reset(); loadLogs(true); });
    $('logs-more').addEventListener('click', () => loadLogs(false));
    $('log-detail-close').addEventListener('click', () => { $('log-detail').hidden = true; });
    $('errors-delete-selected').addEventListener('click', () =>
      deleteErrors({ ids: [...state.logs.selected] }, `Delete ${state.logs.selected.size} selected error log row(s)?`));
    $('errors-delete-old').addEventListener('click', () => {
      const days = Number($('errors-days').value);
      deleteErrors({ olderThanDays: days }, `Delete every error log row older than ${days} day(s)?`);
    });
    $('errors-delete-all').addEventListener('click', () => deleteErrors({ all: true }, 'Delete every error log row?'));

    setInterval(tickCountdowns, 1000);
    // the keys table also refreshes by itself while it is shown, without losing the selection
    keysTimer = setInterval(() => { if (state.view === 'keys' && state.csrf && !document.hidden) loadKeys(); }, 15000);
  }

  async function start() {
    wire();
    try {
      const r = await fetch(`${API}/session`, { credentials: 'same-origin', cache: 'no-store' });
      if (r.ok) {
        const session = await r.json();
        state.csrf = session.csrfToken;
        setZone(session.timezone);
        enter();
        return;
      }
    } catch (e) { /* not logged in */ }
    showLogin('');
  }

  document.addEventListener('DOMContentLoaded', start);
})();
