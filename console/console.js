/* console.js — the 管理后台 in the browser: log-in, then one page per menu
 * entry, each drawn from countyd's admin API (docs/PROTOCOL.md) with the
 * session cookie.  Plain JavaScript, no library: the pages are tables and
 * forms, and the few charts are bars and columns drawn as SVG by
 * barChart(), columnChart() and trendChart() below.
 * Every text from the server goes into the page as text (el() never
 * parses HTML), so nothing a visitor or an admin typed can run here. */
"use strict";

const S = { admin: "", org: "", csrf: "", mustChange: false, features: {} };

/* ---- small helpers ------------------------------------------------------ */

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children.flat()) e.append(c instanceof Node ? c : String(c));
  return e;
}

const main = () => document.getElementById("main");

function show(...nodes) {
  main().replaceChildren(...nodes);
}

let toastTimer = 0;
function toast(text, isError) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = isError ? "error" : "";
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/* Every call to countyd: JSON both ways, the CSRF token on every change. */
async function api(method, path, body, type) {
  const headers = {};
  if (method !== "GET") headers["X-CSRF-Token"] = S.csrf;
  let payload;
  if (body instanceof Blob) { payload = body; headers["Content-Type"] = type; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  const res = await fetch(path, { method, headers, body: payload, credentials: "same-origin", cache: "no-store" });
  const text = await res.text();
  let doc = {};
  try { doc = text ? JSON.parse(text) : {}; } catch (e) { doc = {}; }
  if (!res.ok) {
    const err = doc.error || {};
    if (res.status === 401 && !path.startsWith("/console/api/login")) {
      S.csrf = "";
      renderLogin(err.message || "请登录");
    }
    throw new ApiError(res.status, err.code || "http_" + res.status, err.message || res.statusText);
  }
  return doc;
}

/* Runs an action from a button; a refusal is shown, not thrown. */
async function attempt(fn, done) {
  try {
    const r = await fn();
    if (done) toast(done);
    return r;
  } catch (e) {
    if (e.status !== 401) toast(e.message, true);
    return undefined;
  }
}

const STATE_LABEL = { drafted: "待审核", reviewed: "待审批", approved: "待发布", published: "已公开", withdrawn: "已撤回" };
const PERIOD_LABEL = { long_term: "长期", periodic: "定期", phased: "分期", immediate: "即时" };
const SCOPE_LABEL = { public: "社会", internal: "党内" };
const KIND_LABEL = { rating: "评价", comment: "留言", request: "依申请公开", report: "举报" };
const CASE_STATES = [["pending", "待办理", "warn"], ["in_progress", "办理中", "drafted"], ["answered", "已答复", "ok"],
  ["notified", "已告知", "ok"]];

function caseBadge(c) {
  const s = CASE_STATES.find((x) => x[0] === c.status) || [c.status, c.status_label || c.status, ""];
  return el("span", { class: "state " + s[2] }, s[1]);
}

/* "482109375516" -> "4821 0937 5516", as the kiosk showed it. */
function fmtReceipt(r) {
  return r ? String(r).replace(/^(\d{4})(\d{4})(\d{4})$/, "$1 $2 $3") : "（无回执号）";
}

function dueCell(c) {
  if (!c.due_at) return el("span", { class: "muted" }, "不设期限");
  return el("span", {}, fmtTime(c.due_at).slice(0, 10), c.overdue ? el("span", { class: "state bad late" }, "逾期") : "");
}

function stateBadge(state) {
  return el("span", { class: "state " + state }, STATE_LABEL[state] || state);
}

function fmtTime(t) {
  return t ? String(t).replace("T", " ").replace(/:\d\d(\+08:00|Z)$/, "") : "—";
}

function fmtAgo(seconds) {
  if (seconds === null || seconds === undefined) return "从未联系";
  if (seconds < 90) return "刚刚";
  if (seconds < 5400) return Math.round(seconds / 60) + " 分钟前";
  if (seconds < 172800) return Math.round(seconds / 3600) + " 小时前";
  return Math.round(seconds / 86400) + " 天前";
}

function fmtBytes(n) {
  if (n === null || n === undefined) return "—";
  if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + " GB";
  return Math.round(n / (1 << 20)) + " MB";
}

/* A local time from <input type=datetime-local> as RFC 3339 in China time. */
function toFeedTime(local) {
  return local ? local + (local.length === 16 ? ":00" : "") + "+08:00" : undefined;
}

function toLocalInput(t) {
  if (!t) return "";
  const d = new Date(t);
  const cst = new Date(d.getTime() + 8 * 3600 * 1000);
  return cst.toISOString().slice(0, 16);
}

function nowLocal(plusDays) {
  return toLocalInput(new Date(Date.now() + (plusDays || 0) * 86400 * 1000).toISOString());
}

function newId(prefix) {
  const d = nowLocal().slice(0, 10).replace(/-/g, "");
  const r = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0")).join("");
  return prefix + "-" + d + "-" + r;
}

function table(headers, rows, empty) {
  if (!rows.length) return el("p", { class: "muted" }, empty || "没有记录");
  return el("div", { class: "table-wrap" },
    el("table", {},
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { class: h.cls || null }, h.label || h)))),
      el("tbody", {}, rows)));
}

/* A horizontal bar chart: [{label, value}] → SVG, drawn here because a few
 * bars do not need a chart library. */
function barChart(data, title, unit) {
  const rows = data.slice(0, 12);
  const max = Math.max(1, ...rows.map((d) => d.value));
  const rowH = 28, labelW = 220, barW = 260, h = rows.length * rowH + 8, w0 = labelW + barW + 70;
  const chart = svg("svg", { class: "chart", width: w0, height: h, viewBox: `0 0 ${w0} ${h}`, role: "img", "aria-label": title });
  rows.forEach((d, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(2, Math.round((d.value / max) * barW));
    const label = d.label.length > 15 ? d.label.slice(0, 14) + "…" : d.label;
    chart.append(svg("text", { x: labelW - 8, y: y + 16, "text-anchor": "end" }, label),
      svg("rect", { class: d.cls || "bar", x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 2 }),
      svg("text", { x: labelW + w + 6, y: y + 16 }, d.value + (unit || "")));
  });
  return rows.length ? chart : el("p", { class: "muted" }, "暂无数据");
}

/* A spreadsheet-friendly CSV (UTF-8 with a byte order mark). */
function downloadCsv(name, header, rows) {
  const q = (v) => '"' + String(v === null || v === undefined ? "" : v).replace(/"/g, '""') + '"';
  const text = "\ufeff" + [header, ...rows].map((r) => r.map(q).join(",")).join("\r\n") + "\r\n";
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

/* ---- log-in, password change, the frame ------------------------------------ */

function frame(loggedIn) {
  document.getElementById("nav").hidden = !loggedIn;
  document.getElementById("who").hidden = !loggedIn;
  document.getElementById("who-name").textContent = S.admin;
}

function renderLogin(message) {
  frame(false);
  const name = el("input", { type: "text", id: "login-name", autocomplete: "username", required: true });
  const pass = el("input", { type: "password", id: "login-password", autocomplete: "current-password", required: true });
  const note = el("p", { class: "error", id: "login-error" }, message && message !== "请登录" ? message : "");
  const form = el("form", { class: "card login", id: "login-form" },
    el("h1", {}, "登录管理后台"),
    el("label", { for: "login-name" }, "用户名"), name,
    el("label", { for: "login-password" }, "密码"), pass,
    note,
    el("div", { class: "actions" }, el("button", { class: "primary", type: "submit", id: "login-submit" }, "登录")),
    el("p", { class: "muted" }, "连续 5 次密码错误将锁定 15 分钟。忘记密码请联系县里的系统管理员。"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const s = await api("POST", "/console/api/login", { name: name.value, password: pass.value });
      startSession(s);
    } catch (e) {
      note.textContent = e.message;
    }
  });
  show(form);
  name.focus();
}

function renderPasswordChange(forced) {
  frame(!forced);
  const old = el("input", { type: "password", id: "pw-old", autocomplete: "current-password" });
  const fresh = el("input", { type: "password", id: "pw-new", autocomplete: "new-password" });
  const again = el("input", { type: "password", id: "pw-again", autocomplete: "new-password" });
  const note = el("p", { class: "error", id: "pw-error" });
  const form = el("form", { class: "card login", id: "password-form" },
    el("h1", {}, forced ? "首次登录，请修改密码" : "修改密码"),
    el("label", { for: "pw-old" }, forced ? "初始密码" : "原密码"), old,
    el("label", { for: "pw-new" }, "新密码（至少 10 个字符）"), fresh,
    el("label", { for: "pw-again" }, "再输入一次新密码"), again, note,
    el("div", { class: "actions" }, el("button", { class: "primary", type: "submit", id: "pw-submit" }, "保存新密码")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (fresh.value !== again.value) { note.textContent = "两次输入的新密码不一致"; return; }
    try {
      const s = await api("POST", "/console/api/password", { old: old.value, new: fresh.value });
      toast("密码已修改");
      startSession(s);
    } catch (e) {
      note.textContent = e.message;
    }
  });
  show(form);
  old.focus();
}

function startSession(s) {
  S.admin = s.admin;
  S.csrf = s.csrf;
  S.mustChange = s.must_change;
  S.features = s.features || S.features;
  S.org = s.org || "";
  if (S.mustChange) return renderPasswordChange(true);
  frame(true);
  route();
}

/* ---- 概览 ------------------------------------------------------------------ */

function kioskStatus(k) {
  if (k.silent) return el("span", { class: "state bad" }, "失联");
  if (k.silent_seconds > 600) return el("span", { class: "state warn" }, "离线");
  return el("span", { class: "state ok" }, "在线");
}

/* A kiosk's remote screenshot (docs/CONSOLE.md 概览): the newest picture
 * as a thumbnail with its time (a click shows it full size), the state of
 * the request for the next one, and the 截图 button that asks for it. */
const SHOT_STATE = { pending: "截图中…", deferred: "访客正在使用，稍后自动截图", expired: "触控屏 30 分钟内没有送来截图，请稍后再试" };

function showFullSize(src, alt) {
  const close = () => overlay.remove();
  const overlay = el("div", { class: "shot-overlay", onclick: close },
    el("img", { src, alt }), el("button", { type: "button", onclick: close }, "关闭"));
  document.body.append(overlay);
}

function screenshotCell(k, reload) {
  const path = "/v1/admin/kiosks/" + encodeURIComponent(k.id) + "/screenshot";
  const src = path + "?t=" + encodeURIComponent(k.screenshot_taken_at || "");
  const alt = (k.name || k.id) + " 的屏幕截图";
  const pic = k.screenshot_taken_at ? el("button", { type: "button", class: "shot-thumb", title: "查看原图",
    onclick: () => showFullSize(src, alt) }, el("img", { src, alt, class: "shot" })) : null;
  const state = k.screenshot_state === "failed" ? el("div", { class: "shot-state bad" }, "截图失败：" + (k.screenshot_note || "原因不明"))
    : SHOT_STATE[k.screenshot_state] ? el("div", { class: "shot-state muted" }, SHOT_STATE[k.screenshot_state]) : null;
  const ask = el("button", { type: "button", class: "shot-ask", "data-shot": k.id, onclick: async () => {
    if (await attempt(() => api("POST", path))) reload();
  } }, "截图");
  return el("td", { class: "shot-cell" }, pic, k.screenshot_taken_at ? el("div", { class: "muted" }, "截于 " + fmtTime(k.screenshot_taken_at)) : null,
    state, ask);
}

let overviewTimer = 0;

async function pageOverview() {
  clearTimeout(overviewTimer);
  const [kiosks, items, feedback, overdue, late] = await Promise.all([
    api("GET", "/v1/admin/kiosks"), api("GET", "/v1/admin/items"), api("GET", "/v1/admin/feedback"),
    S.features.overdue ? api("GET", "/v1/admin/overdue") : null,
    S.features.cases ? api("GET", "/v1/admin/cases?overdue=1") : null]);
  const count = (st) => items.items.filter((i) => i.state === st).length;
  const week = Date.now() - 7 * 86400 * 1000;
  const fresh = feedback.feedback.filter((f) => !f.replies.length && f.kind !== "rating" && new Date(f.received_at) > week);
  const rows = kiosks.kiosks.map((k) => el("tr", { "data-kiosk": k.id },
    el("td", {}, kioskStatus(k)), el("td", {}, el("b", {}, k.name || k.id), el("div", { class: "muted" }, k.id)),
    el("td", {}, fmtAgo(k.silent_seconds), el("div", { class: "muted" }, fmtTime(k.last_seen))),
    el("td", { class: "num" }, k.revision === null ? "—" : k.revision,
      k.revision !== null && k.revision < kiosks.revision ? el("div", { class: "muted" }, "落后 " + (kiosks.revision - k.revision)) : ""),
    el("td", { class: "num" }, k.outbox === null ? "—" : k.outbox),
    el("td", { class: "num wide-only" }, fmtBytes(k.free_disk)),
    el("td", { class: "wide-only" }, k.last_error || ""),
    screenshotCell(k, pageOverview)));
  /* A picture asked for comes with the kiosk's next heartbeat: look again
   * every few seconds while one is on its way. */
  if (kiosks.kiosks.some((k) => k.screenshot_state === "pending" || k.screenshot_state === "deferred"))
    overviewTimer = setTimeout(() => { if (!location.hash || location.hash.startsWith("#/overview")) route(); }, 5000);
  const online = kiosks.kiosks.filter((k) => !k.silent && k.silent_seconds <= 600).length;
  show(el("h1", {}, "概览"),
    el("div", { class: "figures" },
      figure(online + " / " + kiosks.kiosks.length, "触控屏在线"),
      figure(count("drafted"), "待审核", "#/review"),
      figure(count("reviewed"), "待审批", "#/review"),
      figure(count("approved"), "待发布", "#/review"),
      figure(fresh.length, "近 7 天未回复的意见", "#/feedback"),
      late ? figure(late.cases.length, "逾期未办结", "#/feedback?overdue=1") : null,
      figure(kiosks.revision, "内容版本")),
    el("div", { class: "card", style: null },
      el("h2", {}, "触控屏"),
      table(["状态", "触控屏", "最后心跳", { label: "内容版本", cls: "num" }, { label: "待上传意见", cls: "num" },
        { label: "剩余空间", cls: "num wide-only" }, { label: "最近错误", cls: "wide-only" }, "屏幕截图"], rows, "还没有登记触控屏")),
    el("p", { class: "muted" }, "在线：10 分钟内有心跳；离线：超过 10 分钟；失联：超过服务器设定的失联时间或从未联系。",
      "截图：在线的触控屏几秒内截取当前画面（离线的在下次联系时）；有访客正在填写意见或查询时不截图，等访客离开后自动截取。"),
    overdue ? el("div", { class: "card", id: "overdue" }, el("h2", {}, "本期尚未公开的定期目录"),
      table(["组织", "目录", "周期", "状态"], overdue.overdue.map((o) => el("tr", {},
        el("td", {}, o.org_name || o.org), el("td", {}, o.name || o.category), el("td", {}, o.period || o.cadence || ""),
        el("td", {}, o.late ? el("span", { class: "state bad" }, "已逾期") : el("span", { class: "state warn" }, "公开日内")))),
      "本期的定期公开都已发布")) : null,
    late ? el("div", { class: "card", id: "overdue-cases" }, el("h2", {}, "逾期未办结的意见和申请"),
      table(["回执号", "类别", "组织", "办理人", "应办结"], late.cases.map((c) => el("tr", { class: "overdue", "data-case": c.id },
        el("td", { class: "nowrap" }, el("a", { href: "#/feedback?id=" + encodeURIComponent(c.id) }, fmtReceipt(c.receipt))),
        el("td", {}, KIND_LABEL[c.kind] || c.kind), el("td", {}, c.org_name), el("td", {}, c.handler || "—"),
        el("td", {}, dueCell(c)))), "没有逾期的意见和申请")) : null);
}

function figure(value, label, href) {
  const f = el("div", { class: "figure" }, el("b", {}, value), el("span", {}, label));
  return href ? el("a", { href, style: null, class: "figure-link" }, f) : f;
}

/* ---- 内容 ------------------------------------------------------------------ */

function categoryTree(categories, selected, onPick) {
  const children = (parent) => categories.filter((c) => (c.parent || "") === parent);
  const branch = (parent) => {
    const kids = children(parent);
    if (!kids.length) return null;
    return el("ul", { class: "tree" }, kids.map((c) => el("li", {},
      el("button", { type: "button", class: c.id === selected ? "active" : null, "data-cat": c.id, onclick: () => onPick(c.id) }, c.name),
      branch(c.id))));
  };
  return el("div", {},
    el("button", { type: "button", class: selected ? null : "active", onclick: () => onPick("") }, "全部目录"),
    branch(""));
}

function categoryName(categories, id) {
  const c = categories.find((x) => x.id === id);
  return c ? c.name : id;
}

async function pageContent(params) {
  const [cats, items] = await Promise.all([api("GET", "/v1/admin/categories"), api("GET", "/v1/admin/items")]);
  const state = params.get("state") || "";
  const cat = params.get("cat") || "";
  const go = (s, c) => { location.hash = "#/content?state=" + s + "&cat=" + c; };
  const below = (id) => {
    const ids = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const c of cats.categories) if (ids.has(c.parent) && !ids.has(c.id)) { ids.add(c.id); grew = true; }
    }
    return ids;
  };
  const inCat = cat ? below(cat) : null;
  const shown = items.items.filter((i) => (!state || i.state === state) && (!inCat || inCat.has(i.category)));
  const tabs = el("div", { class: "tabs" }, [["", "全部"], ...Object.entries(STATE_LABEL)].map(([s, label]) =>
    el("button", { type: "button", class: s === state ? "active" : null, onclick: () => go(s, cat) },
      label + " " + items.items.filter((i) => !s || i.state === s).length)));
  const rows = shown.map((i) => el("tr", { "data-item": i.id },
    el("td", {}, el("a", { href: "#/edit/" + encodeURIComponent(i.id) }, i.title), el("div", { class: "muted" }, i.id)),
    el("td", {}, categoryName(cats.categories, i.category)),
    el("td", {}, stateBadge(i.state), i.on_kiosks ? el("div", { class: "muted" }, "在屏上") : ""),
    el("td", {}, SCOPE_LABEL[i.scope] || i.scope),
    el("td", { class: "num" }, i.views),
    el("td", { class: "wide-only" }, fmtTime(i.updated_at), el("div", { class: "muted" }, i.updated_by))));
  show(el("h1", {}, "内容"),
    el("div", { class: "cols" },
      el("div", { class: "card" }, el("h2", {}, "公开目录"), categoryTree(cats.categories, cat, (c) => go(state, c))),
      el("div", { class: "card" },
        el("div", { class: "actions", style: null },
          el("a", { class: "button primary", href: "#/edit/", id: "new-item" }, "新建内容")),
        tabs,
        table(["标题", "目录", "状态", "范围", { label: "浏览", cls: "num" }, { label: "最后修改", cls: "wide-only" }], rows,
          "这里还没有内容"))));
}

/* The editor: title, body, images, window, period, scope; saving stores a
 * draft (PUT /v1/admin/items/ID), 预览 asks countyd to draw it with the
 * kiosk's own renderer. */
async function pageEdit(id) {
  const cats = await api("GET", "/v1/admin/categories");
  let item = { id: id || newId("gk"), title: "", body: "", category: (cats.categories[0] || {}).id || "", period: "immediate",
    scope: "public", published_at: toFeedTime(nowLocal()), attachments: [] };
  let info = null;
  if (id) {
    info = await api("GET", "/v1/admin/items/" + encodeURIComponent(id));
    item = { ...info.content, org: info.org, audience: info.content.audience || info.audience };
  }
  const images = (item.attachments || []).map((a) => ({ ...a }));
  const f = {
    id: el("input", { type: "text", id: "ed-id", value: item.id, readonly: id ? true : null }),
    title: el("input", { type: "text", id: "ed-title", value: item.title, maxlength: 300 }),
    category: el("select", { id: "ed-category" }, cats.categories.map((c) =>
      el("option", { value: c.id, selected: c.id === item.category }, (c.parent ? "　" : "") + c.name))),
    unit: el("input", { type: "text", id: "ed-unit", value: item.unit || "" }),
    body: el("textarea", { id: "ed-body", spellcheck: "false" }),
    period: el("select", { id: "ed-period" }, Object.entries(PERIOD_LABEL).map(([k, v]) =>
      el("option", { value: k, selected: k === item.period }, v))),
    scope: el("select", { id: "ed-scope" }, Object.entries(SCOPE_LABEL).map(([k, v]) =>
      el("option", { value: k, selected: k === item.scope }, v + (k === "internal" ? "（不上屏）" : "")))),
    audience: el("select", { id: "ed-audience" },
      el("option", { value: "subtree", selected: item.audience !== "own" }, "本组织及下级组织的触控屏"),
      el("option", { value: "own", selected: item.audience === "own" }, "仅本组织的触控屏")),
    from: el("input", { type: "datetime-local", id: "ed-from", value: toLocalInput(item.published_at) }),
    until: el("input", { type: "datetime-local", id: "ed-until", value: toLocalInput(item.expires_at) }),
    pinned: el("input", { type: "checkbox", id: "ed-pinned", checked: !!item.pinned }),
    urgent: el("input", { type: "checkbox", id: "ed-urgent", checked: !!item.urgent }),
  };
  f.body.value = item.body;
  const gallery = el("div", { class: "images", id: "ed-images" });
  const previewBox = el("div", { id: "preview" });

  const collect = () => {
    const doc = { id: f.id.value.trim(), category: f.category.value, title: f.title.value.trim(), body: f.body.value,
      period: f.period.value, scope: f.scope.value, published_at: toFeedTime(f.from.value) };
    if (f.unit.value.trim()) doc.unit = f.unit.value.trim();
    doc.audience = f.audience.value;
    if (item.org) doc.org = item.org;
    if (f.until.value) doc.expires_at = toFeedTime(f.until.value);
    if (f.pinned.checked) doc.pinned = true;
    if (f.urgent.checked) doc.urgent = true;
    if (images.length) doc.attachments = images.map(({ sha256, size, type, caption }) =>
      (caption ? { sha256, size, type, caption } : { sha256, size, type }));
    return doc;
  };

  const drawGallery = () => {
    gallery.replaceChildren(...images.map((a, n) => el("figure", { "data-sha": a.sha256 },
      a.type === "application/pdf" ? el("div", { class: "pdf-file" }, "图" + (n + 1) + "：PDF 文件，在触控屏上逐页显示")
        : a.url ? el("img", { src: a.url, alt: "图" + (n + 1) }) : el("div", { class: "muted" }, "图" + (n + 1) + "（已上传）"),
      el("input", { type: "text", placeholder: "图片说明", value: a.caption || "", class: "caption",
        oninput: (ev) => { a.caption = ev.target.value; } }),
      el("div", { class: "actions" },
        el("button", { type: "button", onclick: () => insertAtCursor(f.body, "\n[图" + (n + 1) + "]\n") }, "插入正文"),
        el("button", { type: "button", onclick: () => { images.splice(n, 1); drawGallery(); } }, "移除")))));
  };

  const upload = async (files) => {
    for (const file of files) {
      // The server checks the bytes again (countyd/content.c, proto/image.h, proto/pdf.h): this only saves an upload.
      if (!["image/png", "image/jpeg", "application/pdf"].includes(file.type)) { toast(file.name + "：只能上传 PNG、JPEG 图片或 PDF 文件", true); continue; }
      const bytes = await file.arrayBuffer();
      const digest = await crypto.subtle.digest("SHA-256", bytes);
      const sha = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
      const ok = await attempt(() => api("PUT", "/v1/admin/blobs/" + sha, new Blob([bytes]), file.type));
      if (!ok) continue;
      images.push({ sha256: sha, size: bytes.byteLength, type: file.type, caption: "", url: URL.createObjectURL(file) });
      drawGallery();
      toast(file.name + " 已上传");
    }
  };
  const picker = el("input", { type: "file", accept: "image/png,image/jpeg,application/pdf", multiple: true, id: "ed-file", class: "file-input",
    onchange: (ev) => upload(Array.from(ev.target.files)) });
  const drop = el("div", { class: "drop", id: "ed-drop" }, "把 PNG、JPEG 图片或 PDF 文件拖到这里，或 ",
    el("button", { type: "button", class: "link", onclick: () => picker.click() }, "选择文件"), picker);
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => { ev.preventDefault(); drop.classList.remove("over"); upload(Array.from(ev.dataTransfer.files)); });

  const save = async () => {
    const doc = collect();
    const r = await attempt(() => api("PUT", "/v1/admin/items/" + encodeURIComponent(doc.id), doc),
      "已保存为草稿，等待审核");
    if (r && !id) location.hash = "#/edit/" + encodeURIComponent(doc.id);
    return r;
  };
  const preview = async () => {
    previewBox.replaceChildren(el("p", { class: "muted" }, "正在用触控屏程序生成预览……"));
    const r = await attempt(() => api("POST", "/v1/admin/preview", collect()));
    if (!r) { previewBox.replaceChildren(); return; }
    previewBox.replaceChildren(el("h2", {}, "预览（触控屏实际效果，共 " + r.landscape.length + " 页横屏 / " + r.portrait.length + " 页竖屏）"),
      el("h3", {}, "横屏 1920×1080"),
      el("div", { class: "previews landscape" }, r.landscape.map((u, n) => el("img", { src: u, alt: "横屏第 " + (n + 1) + " 页", class: "preview-page" }))),
      el("h3", {}, "竖屏 1080×1920"),
      el("div", { class: "previews portrait" }, r.portrait.map((u, n) => el("img", { src: u, alt: "竖屏第 " + (n + 1) + " 页", class: "preview-page" }))));
  };

  drawGallery();
  const history = info ? el("div", { class: "card" }, el("h2", {}, "流程记录"),
    table(["时间", "操作", "人员", "说明"], (info.history || []).map((h) => el("tr", {},
      el("td", {}, fmtTime(h.at)), el("td", {}, ACTION_LABEL[h.action] || h.action), el("td", {}, h.admin), el("td", {}, h.detail || ""))))) : null;
  show(el("h1", {}, id ? "编辑：" + item.title : "新建内容", info ? el("span", { style: null }, " ", stateBadge(info.state)) : ""),
    el("div", { class: "card" },
      el("div", { class: "row" },
        el("div", {}, el("label", { for: "ed-title" }, "标题"), f.title),
        el("div", {}, el("label", { for: "ed-category" }, "目录"), f.category)),
      el("div", { class: "row" },
        el("div", {}, el("label", { for: "ed-id" }, "编号"), f.id),
        el("div", {}, el("label", { for: "ed-unit" }, "公开单位"), f.unit)),
      el("label", { for: "ed-body" }, "正文（每段一行；单独一行的 [图1] 放置第 1 张图片）"),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "ed-insert-table", onclick: () => insertAtCursor(f.body,
          "\n| 项目 | 金额（元） | 说明 |\n| --- | ---: | --- |\n| 党费收缴 | 12,480 | 第四季度 |\n| 党员教育 | 3,200 | 培训教材 |\n") }, "插入表格"),
        el("button", { type: "button", onclick: () => insertAtCursor(f.body, "\n一、\n") }, "插入标题")),
      f.body,
      el("label", {}, "图片和 PDF 文件"), drop, gallery,
      el("div", { class: "row" },
        el("div", {}, el("label", { for: "ed-from" }, "公开开始"), f.from),
        el("div", {}, el("label", { for: "ed-until" }, "公开结束（可不填）"), f.until),
        el("div", {}, el("label", { for: "ed-period" }, "公开时限"), f.period),
        el("div", {}, el("label", { for: "ed-scope" }, "公开范围"), f.scope),
        el("div", {}, el("label", { for: "ed-audience" }, "在哪些触控屏上公开"), f.audience)),
      el("div", { style: null }, el("label", { class: "inline" }, f.pinned, "置顶并在待机轮播中展示"),
        el("label", { class: "inline" }, f.urgent, "标为急")),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary", id: "ed-save", onclick: save }, "保存草稿"),
        el("button", { type: "button", id: "ed-preview", onclick: preview }, "预览"),
        el("a", { class: "button", href: "#/content" }, "返回列表"))),
    el("div", { class: "card" }, previewBox),
    history);
}

function insertAtCursor(area, text) {
  const at = area.selectionStart ?? area.value.length;
  area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
  area.focus();
  area.selectionStart = area.selectionEnd = at + text.length;
}

/* ---- 审核 ------------------------------------------------------------------ */

/* The body with the privacy review's findings marked.  The server sends
 * each finding masked (138****8000); a mask matches the digits it hides and
 * the spaces or hyphens people write between groups. */
function findingPattern(masked) {
  return Array.from(masked, (ch) => (ch === "*" ? "[0-9Xx]" : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("[ -]?");
}

function markedBody(body, findings) {
  const box = el("div", { class: "body-text", id: "rv-body" });
  const words = (findings || []).filter((x) => x.field === "正文" || !x.field).map((x) => x.text).filter(Boolean);
  if (!words.length) { box.textContent = body; return box; }
  const pattern = new RegExp(words.map(findingPattern).join("|"), "g");
  let last = 0;
  for (const m of body.matchAll(pattern)) {
    box.append(body.slice(last, m.index), el("mark", {}, m[0]));
    last = m.index + m[0].length;
  }
  box.append(body.slice(last));
  return box;
}

const NEXT_STEP = { drafted: ["review", "审核通过"], reviewed: ["approve", "审批通过"], approved: ["publish", "发布到触控屏"] };

async function pageReview(params) {
  const items = await api("GET", "/v1/admin/items");
  const open = params.get("item");
  const queue = items.items.filter((i) => NEXT_STEP[i.state]);
  const published = items.items.filter((i) => i.state === "published");
  const rows = queue.map((i) => el("tr", { "data-item": i.id, class: i.id === open ? "open" : null },
    el("td", {}, el("a", { href: "#/review?item=" + encodeURIComponent(i.id) }, i.title)),
    el("td", {}, stateBadge(i.state)), el("td", {}, SCOPE_LABEL[i.scope]),
    el("td", { class: "wide-only" }, fmtTime(i.updated_at), " ", i.updated_by)));
  const parts = [el("h1", {}, "审核"),
    el("div", { class: "card" }, el("h2", {}, "待办（审核 → 审批 → 发布）"),
      table(["标题", "状态", "范围", { label: "提交", cls: "wide-only" }], rows, "没有等待处理的内容"))];
  if (open) parts.push(await reviewDetail(open));
  parts.push(el("div", { class: "card" }, el("h2", {}, "已公开（可撤回）"),
    table(["标题", "范围", ""], published.map((i) => el("tr", { "data-item": i.id },
      el("td", {}, el("a", { href: "#/review?item=" + encodeURIComponent(i.id) }, i.title)), el("td", {}, SCOPE_LABEL[i.scope]),
      el("td", {}, el("a", { href: "#/review?item=" + encodeURIComponent(i.id) }, "撤回…")))), "没有已公开的内容")));
  show(...parts);
}

async function reviewDetail(id) {
  const info = await api("GET", "/v1/admin/items/" + encodeURIComponent(id));
  const doc = info.content;
  const note = el("textarea", { id: "rv-note", style: null, placeholder: "审核意见 / 退回原因 / 撤回原因" });
  note.style.minHeight = "70px";
  const findings = info.findings || [];
  const keep = el("input", { type: "text", id: "rv-privacy", placeholder: "例如：任前公示须公布本人姓名" });
  const step = async (word, needsNote, done) => {
    if (needsNote && !note.value.trim()) { toast("请填写原因", true); return; }
    if (word === "approve" && findings.length && !keep.value.trim()) {
      toast("保密审查发现敏感信息：请先修改正文，或写明必须保留的理由", true);
      return;
    }
    const body = note.value.trim() ? { note: note.value.trim() } : {};
    if (word === "approve" && keep.value.trim()) body.privacy_reason = keep.value.trim();
    const r = await attempt(() => api("POST", "/v1/admin/items/" + encodeURIComponent(id) + "/" + word, body), done);
    if (r) route();
  };
  const next = NEXT_STEP[info.state];
  return el("div", { class: "card", id: "review-detail" },
    el("h2", {}, doc.title, " ", stateBadge(info.state)),
    el("p", { class: "muted" }, id, " · ", PERIOD_LABEL[doc.period], " · ", SCOPE_LABEL[doc.scope], " · 公开 ", fmtTime(doc.published_at),
      doc.expires_at ? " 至 " + fmtTime(doc.expires_at) : ""),
    findings.length ? el("div", { class: "card", id: "rv-findings" },
      el("p", { class: "error" }, "保密审查发现 " + findings.length + " 处敏感信息（正文中已标出）：",
        findings.map((x) => x.label + " " + x.text + "（" + x.field + "）").join("；")),
      el("label", { for: "rv-privacy" }, "审批时必须保留的理由（否则请退回修改）"), keep) : null,
    markedBody(doc.body, findings),
    (doc.attachments || []).length ? el("p", { class: "muted" }, "图片 " + doc.attachments.length + " 张：",
      doc.attachments.map((a) => a.caption || a.sha256.slice(0, 8)).join("；")) : null,
    el("label", { for: "rv-note" }, "意见或原因（退回、撤回、更改已公开的内容时必填；撤回和更改的原因会在触控屏上公开）"), note,
    el("div", { class: "actions" },
      next ? el("button", { type: "button", class: "primary", id: "rv-" + next[0], onclick: () => step(next[0], false, next[1] + "：完成") }, next[1]) : null,
      next ? el("button", { type: "button", id: "rv-return", onclick: () => step("return", true, "已退回起草人") }, "退回修改") : null,
      info.state !== "withdrawn" ? el("button", { type: "button", id: "rv-withdraw", onclick: () => step("withdraw", true, "已撤回") }, "撤回") : null,
      el("a", { class: "button", href: "#/edit/" + encodeURIComponent(id) }, "打开编辑器（含预览）")),
    el("h3", {}, "流程记录"),
    table(["时间", "操作", "人员", "说明"], (info.history || []).map((h) => el("tr", {},
      el("td", {}, fmtTime(h.at)), el("td", {}, ACTION_LABEL[h.action] || h.action), el("td", {}, h.admin), el("td", {}, h.detail || "")))));
}

/* ---- 通知 ------------------------------------------------------------------ */

async function pageNotices() {
  const data = await api("GET", "/v1/admin/notices");
  const text = el("input", { type: "text", id: "nt-text", maxlength: 300, placeholder: "例如：本周五下午三点召开党员大会" });
  const starts = el("input", { type: "datetime-local", id: "nt-starts", value: nowLocal() });
  const ends = el("input", { type: "datetime-local", id: "nt-ends", value: nowLocal(7) });
  const urgent = el("input", { type: "checkbox", id: "nt-urgent" });
  const period = el("select", { id: "nt-period" }, Object.entries(PERIOD_LABEL).map(([k, v]) =>
    el("option", { value: k, selected: k === "immediate" }, v)));
  const add = async () => {
    if (!text.value.trim()) { toast("请填写通知内容", true); return; }
    if (!ends.value) { toast("请填写结束时间，通知不会一直显示", true); return; }
    const doc = { id: newId("notice"), text: text.value.trim(), period: period.value,
      starts_at: toFeedTime(starts.value), ends_at: toFeedTime(ends.value) };
    if (urgent.checked) doc.urgent = true;
    if (await attempt(() => api("PUT", "/v1/admin/notices/" + doc.id, doc), "通知已发布到触控屏")) route();
  };
  const now = Date.now();
  const rows = data.notices.map((n) => {
    const live = (!n.starts_at || new Date(n.starts_at) <= now) && (!n.ends_at || new Date(n.ends_at) > now);
    return el("tr", { "data-notice": n.id },
      el("td", {}, n.urgent ? el("span", { class: "state bad" }, "紧急") : "", " ", n.text),
      el("td", {}, fmtTime(n.starts_at), " 至 ", fmtTime(n.ends_at)),
      el("td", {}, live ? el("span", { class: "state ok" }, "显示中") : el("span", { class: "state" }, "未在显示")),
      el("td", {}, el("button", { type: "button", onclick: async () => {
        if (await attempt(() => api("DELETE", "/v1/admin/notices/" + n.id), "通知已删除")) route();
      } }, "删除")));
  });
  show(el("h1", {}, "通知"),
    el("div", { class: "card" }, el("h2", {}, "发布滚动通知"),
      el("label", { for: "nt-text" }, "通知内容（一行）"), text,
      el("div", { class: "row" },
        el("div", {}, el("label", { for: "nt-starts" }, "开始"), starts),
        el("div", {}, el("label", { for: "nt-ends" }, "结束（默认 7 天后）"), ends),
        el("div", {}, el("label", { for: "nt-period" }, "类别"), period)),
      el("label", { class: "inline" }, urgent, "紧急（排在最前并在各页面顶部显示）"),
      el("div", { class: "actions" }, el("button", { type: "button", class: "primary", id: "nt-add", onclick: add }, "发布"))),
    el("div", { class: "card" }, el("h2", {}, "全部通知"), table(["内容", "显示时间", "状态", ""], rows, "还没有通知")));
}

/* ---- 意见 ------------------------------------------------------------------ */

/* The 满意率 as the server counts it (rating records only): {ratings, rate}. */
function satisfactionTotal(rows) {
  const n = rows.reduce((a, r) => a + r.ratings, 0), good = rows.reduce((a, r) => a + r.satisfied, 0);
  return { n, pct: n ? Math.round((1000 * good) / n) / 10 : null };
}

function rateChart(rows, title) {
  return barChart(rows.filter((r) => r.rate !== null).map((r) => ({ label: (r.name || r.month || r.category || "（未分类）") +
    "（" + r.ratings + "）", value: r.rate, cls: "bar2" })), title, "%");
}

/* The filters of the case list: a status, or the overdue ones. */
const CASE_FILTERS = [["", "全部"], ["pending", "待办理"], ["in_progress", "办理中"], ["answered", "已答复"],
  ["notified", "已告知"], ["overdue", "逾期"]];

async function pageFeedback(params) {
  const [data, sat] = await Promise.all([api("GET", "/v1/admin/cases"), api("GET", "/v1/admin/satisfaction")]);
  const open = params.get("id");
  const filter = params.get("overdue") ? "overdue" : params.get("status") || "";
  const shown = data.cases.filter((c) => !filter || (filter === "overdue" ? c.overdue : c.status === filter));
  const total = satisfactionTotal(sat.by_org);
  const count = (st) => data.cases.filter((c) => c.status === st).length;
  const rows = shown.map((c) => el("tr", { "data-case": c.id, class: c.overdue ? "overdue" : null },
    el("td", { class: "nowrap" }, el("a", { href: "#/feedback?id=" + encodeURIComponent(c.id) }, fmtReceipt(c.receipt))),
    el("td", {}, KIND_LABEL[c.kind] || c.kind),
    el("td", {}, c.comment ? c.comment.slice(0, 40) : "（无文字）"),
    el("td", { class: "wide-only" }, c.org_name),
    el("td", {}, c.handler || "—"), el("td", { class: "nowrap" }, dueCell(c)), el("td", {}, caseBadge(c))));
  const tabs = el("div", { class: "tabs", id: "case-filters" }, CASE_FILTERS.map(([key, label]) =>
    el("button", { type: "button", class: key === filter ? "active" : null, "data-filter": key || "all",
      onclick: () => { location.hash = "#/feedback" + (key === "overdue" ? "?overdue=1" : key ? "?status=" + key : ""); } }, label)));
  const parts = [el("h1", {}, "意见"),
    el("div", { class: "figures" },
      figure(total.pct === null ? "—" : total.pct + "%", "满意率（" + total.n + " 条评价）"),
      figure(count("pending"), "待办理", "#/feedback?status=pending"),
      figure(count("in_progress"), "办理中", "#/feedback?status=in_progress"),
      figure(data.cases.filter((c) => c.overdue).length, "逾期", "#/feedback?overdue=1")),
    el("div", { class: "card" }, el("h2", {}, "留言、依申请公开和举报"), tabs,
      table(["回执号", "类别", "内容", { label: "组织", cls: "wide-only" }, "办理人", "应办结", "状态"], rows, "没有这样的件")),
    el("div", { class: "grid charts", id: "satisfaction" },
      el("div", { class: "card" }, el("h2", {}, "各组织的满意率"), rateChart(sat.by_org, "各组织的满意率")),
      el("div", { class: "card" }, el("h2", {}, "各目录的满意率"), rateChart(sat.by_category, "各目录的满意率")),
      el("div", { class: "card" }, el("h2", {}, "各月的满意率"), rateChart(sat.by_month, "各月的满意率"))),
    el("p", { class: "muted" }, "满意率只计触控屏上的“满意度”评价：评价在较好的一半（5 级中的 1、2 级）算满意；括号里是评价条数。")];
  if (open) {
    const one = await api("GET", "/v1/admin/cases/" + encodeURIComponent(open)).catch(() => null);
    if (one) parts.splice(2, 0, caseDetail(one.case));
  }
  show(...parts);
}

/* One case: what the visitor wrote, its steps, and the reply form. */
function caseDetail(c) {
  const step = async (name, body, done) => {
    if (await attempt(() => api("POST", "/v1/admin/cases/" + encodeURIComponent(c.id) + "/" + name, body || {}), done)) route();
  };
  const text = el("textarea", { id: "cs-text", placeholder: "答复内容（来访者凭回执号在触控屏上看到；不要写姓名、电话）" });
  text.style.minHeight = "90px";
  const pub = el("input", { type: "checkbox", id: "cs-public" });
  const question = el("input", { type: "text", id: "cs-question", placeholder: "公开时显示的问题（由管理员改写，不含姓名电话）" });
  const keep = el("input", { type: "text", id: "cs-privacy", placeholder: "保密审查有发现而必须保留时，写明理由" });
  const assignee = el("input", { type: "text", id: "cs-assignee", placeholder: "管理员名字" });
  const send = async () => {
    if (!text.value.trim()) { toast("请填写答复内容", true); return; }
    if (pub.checked && !question.value.trim()) { toast("公开答复需要一个经审定的问题文字，不会直接公开群众原话", true); return; }
    const body = { text: text.value.trim(), public: pub.checked };
    if (pub.checked) body.question = question.value.trim();
    if (keep.value.trim()) body.privacy_reason = keep.value.trim();
    await step("reply", body, pub.checked ? "答复已公开到触控屏" : "答复已记录，来访者可凭回执号查看");
  };
  const actions = el("div", { class: "actions" },
    c.status !== "answered" && c.status !== "notified" && c.handler !== S.admin ?
      el("button", { type: "button", id: "cs-take", onclick: () => step("take", {}, "已接办") }, "接办") : null,
    c.status === "answered" ? el("button", { type: "button", id: "cs-notify",
      onclick: () => step("notify", { note: "已通过其他方式告知" }, "已标记为已告知") }, "标记已告知") : null,
    c.status !== "pending" ? el("button", { type: "button", id: "cs-requeue",
      onclick: () => step("status", { status: "pending" }, "已退回待办理") }, "退回待办理") : null);
  return el("div", { class: "card", id: "case-detail" },
    el("h2", {}, (KIND_LABEL[c.kind] || c.kind) + " · 回执号 " + fmtReceipt(c.receipt)),
    el("p", {}, caseBadge(c), " 办理人：", c.handler || "—", " · 应办结：", dueCell(c), " · 组织：", c.org_name),
    el("div", { class: "body-text" }, c.comment || "（无文字）"),
    el("p", { class: "muted" }, "收到 ", fmtTime(c.received_at), " · 触控屏 ", c.kiosk, c.item ? " · 关于 " + (c.item_title || c.item) : "",
      c.name || c.phone ? " · 联系人：" + (c.name || "") + " " + (c.phone || "") : " · 未留联系方式"),
    actions,
    el("div", { class: "row assign" }, el("div", {}, el("label", { for: "cs-assignee" }, "指派给（需审批角色）"), assignee),
      el("div", { class: "actions" }, el("button", { type: "button", id: "cs-assign",
        onclick: () => assignee.value.trim() && step("assign", { handler: assignee.value.trim() }, "已指派") }, "指派"))),
    c.replies.length ? table(["时间", "答复", "方式"], c.replies.map((r) => el("tr", {},
      el("td", { class: "nowrap" }, fmtTime(r.at)), el("td", {}, r.text),
      el("td", {}, r.public ? "公开：" + (r.question || "") : r.checked ? "回执可查" : "旧记录，不上屏")))) : null,
    el("label", { for: "cs-text" }, "答复"), text,
    el("label", { class: "inline" }, pub, "在触控屏“回复公开”中公开（否则只对这张回执显示）"),
    el("label", { for: "cs-question" }, "公开的问题"), question,
    el("label", { for: "cs-privacy" }, "保留理由（可选）"), keep,
    el("div", { class: "actions" }, el("button", { type: "button", class: "primary", id: "cs-send", onclick: send }, "提交答复")),
    el("h2", {}, "办理经过"),
    table(["时间", "谁", "做了什么"], c.history.map((h) => el("tr", {},
      el("td", { class: "nowrap" }, fmtTime(h.at)), el("td", {}, h.admin), el("td", {}, (ACTION_LABEL[h.action] || h.action) +
        (h.detail ? "：" + h.detail : ""))))));
}

/* ---- 统计 ------------------------------------------------------------------ */

/* Views per period as columns: [n per period] → SVG, with the highest
 * figure and a few period names as the axes. */
function columnChart(periods, values, title) {
  const max = Math.max(1, ...values);
  const w0 = 1180, h0 = 220, left = 48, top = 14, plotH = 160, plotW = w0 - left - 10;
  const step = plotW / Math.max(1, periods.length), every = Math.ceil(periods.length / 10);
  const chart = svg("svg", { class: "chart columns", width: w0, height: h0, viewBox: `0 0 ${w0} ${h0}`, role: "img", "aria-label": title });
  chart.append(svg("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, String(max)),
    svg("text", { x: left - 6, y: top + plotH, "text-anchor": "end" }, "0"),
    svg("line", { class: "axis", x1: left, y1: top + plotH + 0.5, x2: w0 - 10, y2: top + plotH + 0.5 }));
  values.forEach((v, i) => {
    const h = v ? Math.max(2, Math.round((v / max) * plotH)) : 0;
    const x = left + i * step;
    chart.append(svg("rect", { class: "col", x: x + step * 0.15, y: top + plotH - h, width: Math.max(1, step * 0.7), height: h },
      svg("title", {}, `${periods[i]}：${v} 次`)));
    if (i % every === 0) chart.append(svg("text", { x: x + step / 2, y: top + plotH + 20, "text-anchor": "middle" }, shortPeriod(periods[i])));
  });
  return chart;
}

/* "2026-11-20" → "11-20" (the year is in the range above the chart). */
function shortPeriod(p) {
  return p.length === 10 ? p.slice(5) : p;
}

/* Each entry's views over the periods as a row of small columns, the most
 * viewed first: [{label, views: [n], total}] → SVG. */
function trendChart(entries, title) {
  const rows = entries.slice(0, 8);
  if (!rows.length) return el("p", { class: "muted" }, "这段时间没有浏览");
  const max = Math.max(1, ...rows.flatMap((r) => r.views));
  const rowH = 30, labelW = 190, bandW = 300, w0 = labelW + bandW + 80, h = rows.length * rowH + 6;
  const chart = svg("svg", { class: "chart trend", width: w0, height: h, viewBox: `0 0 ${w0} ${h}`, role: "img", "aria-label": title });
  rows.forEach((r, i) => {
    const y = 3 + i * rowH, step = bandW / Math.max(1, r.views.length);
    const label = r.label.length > 13 ? r.label.slice(0, 12) + "…" : r.label;
    chart.append(svg("text", { x: labelW - 8, y: y + 18, "text-anchor": "end" }, label),
      svg("line", { class: "axis", x1: labelW, y1: y + rowH - 4.5, x2: labelW + bandW, y2: y + rowH - 4.5 }));
    r.views.forEach((v, p) => {
      if (!v) return;
      const hh = Math.max(2, Math.round((v / max) * (rowH - 8)));
      chart.append(svg("rect", { class: "bar", x: labelW + p * step, y: y + rowH - 5 - hh, width: Math.max(1, step - 1), height: hh }));
    });
    chart.append(svg("text", { x: labelW + bandW + 8, y: y + 18 }, r.total + " 次"));
  });
  return chart;
}

async function pageStats(params) {
  const unit = params.get("unit") === "month" ? "month" : "day";
  const q = new URLSearchParams({ unit });
  for (const k of ["from", "to"]) if (params.get(k)) q.set(k, params.get(k));
  const [s, cases] = await Promise.all([api("GET", "/v1/admin/stats?" + q),
    S.features.cases ? api("GET", "/v1/admin/cases?limit=1") : null]);
  const onTime = cases ? cases.summary.filter((k) => k.answered).map((k) => ({
    label: (KIND_LABEL[k.kind] || k.kind) + "（" + k.on_time + "/" + k.answered + "）",
    value: Math.round((100 * k.on_time) / k.answered), cls: "bar2" })) : [];
  const t = s.over_time;
  const word = unit === "month" ? "月" : "日";
  const names = (list, key) => Object.fromEntries(list.map((r) => [r[key], r.name]));
  const catName = names(t.by_category, "category"), orgName = names(t.by_org, "org");
  const trends = (list, label) => list.map((r) => ({ label: label(r), views: r.views, total: r.total }));
  const byItem = s.by_item.map((r) => ({ label: r.title, value: r.views }));
  const byCat = s.by_category.map((r) => ({ label: r.name, value: r.views }));
  const byOrg = s.by_org.map((r) => ({ label: r.name, value: r.views }));
  const byKiosk = s.by_kiosk.map((r) => ({ label: r.name, value: r.views }));
  const perItem = {};
  for (const r of s.ratings) {
    const k = perItem[r.item] || (perItem[r.item] = { title: r.title, n: 0, good: 0 });
    k.n += r.n;
    if (r.rating <= Math.floor(r.rating_levels / 2)) k.good += r.n;
  }
  const ratings = Object.values(perItem).map((k) => ({ label: k.title, value: Math.round((100 * k.good) / k.n), cls: "bar2" }));
  /* One row per item and period with views: what a spreadsheet sums and pivots. */
  const csv = () => {
    const rows = [];
    t.periods.forEach((p, i) => {
      for (const r of t.by_item) if (r.views[i]) rows.push([p, r.item, r.title, catName[r.category] || r.category, orgName[r.org] || r.org, r.views[i]]);
    });
    downloadCsv(`浏览统计（按${word}）${t.from}至${t.to}.csv`, [unit === "month" ? "月份" : "日期", "编号", "标题", "目录", "组织", "浏览次数"], rows);
  };
  const go = (u, from, to) => {
    const h = new URLSearchParams({ unit: u });
    if (from) h.set("from", from);
    if (to) h.set("to", to);
    location.hash = "#/stats?" + h;
  };
  const ends = unit === "month" ? [t.from.slice(0, 7), t.to.slice(0, 7)] : [t.from, t.to];
  const type = unit === "month" ? "month" : "date";
  const from = el("input", { type, id: "stats-from", value: ends[0] }), to = el("input", { type, id: "stats-to", value: ends[1] });
  const sum = t.total.reduce((a, b) => a + b, 0);
  show(el("h1", {}, "统计"),
    el("div", { class: "card" },
      el("div", { class: "tabs" },
        el("button", { type: "button", id: "stats-day", class: unit === "day" ? "active" : null, onclick: () => go("day") }, "按日"),
        el("button", { type: "button", id: "stats-month", class: unit === "month" ? "active" : null, onclick: () => go("month") }, "按月")),
      el("div", { class: "row stats-range" },
        el("label", { class: "inline" }, "从", from), el("label", { class: "inline" }, "到", to),
        el("div", { class: "actions" },
          el("button", { type: "button", id: "stats-show", onclick: () => go(unit, from.value, to.value) }, "查看"),
          el("button", { type: "button", id: "stats-csv", onclick: csv }, "导出 CSV（Excel 可打开）"))),
      el("h2", {}, `每${word}浏览次数（${t.from} 至 ${t.to}，共 ${sum} 次）`),
      columnChart(t.periods, t.total, `每${word}浏览次数`),
      el("p", { class: "muted" }, "浏览次数按触控屏上报的日期计；触控屏离线期间的浏览，在它恢复联网那天计入。")),
    el("div", { class: "grid charts" },
      el("div", { class: "card" }, el("h2", {}, "各条内容的浏览趋势"), trendChart(trends(t.by_item, (r) => r.title), "各条内容的浏览趋势")),
      el("div", { class: "card" }, el("h2", {}, "各目录的浏览趋势"), trendChart(trends(t.by_category, (r) => r.name), "各目录的浏览趋势")),
      el("div", { class: "card" }, el("h2", {}, "各组织的浏览趋势"), trendChart(trends(t.by_org, (r) => r.name), "各组织的浏览趋势")),
      el("div", { class: "card" }, el("h2", {}, "各触控屏的浏览趋势"), trendChart(trends(t.by_kiosk, (r) => r.name), "各触控屏的浏览趋势"))),
    el("h2", {}, "累计（全部时间）"),
    el("div", { class: "grid charts" },
      el("div", { class: "card" }, el("h2", {}, "各条内容的浏览次数"), barChart(byItem, "各条内容的浏览次数", " 次")),
      el("div", { class: "card" }, el("h2", {}, "各目录的浏览次数"), barChart(byCat, "各目录的浏览次数", " 次")),
      el("div", { class: "card" }, el("h2", {}, "各组织的浏览次数"), barChart(byOrg, "各组织的浏览次数", " 次")),
      el("div", { class: "card" }, el("h2", {}, "各触控屏的浏览次数"), barChart(byKiosk, "各触控屏的浏览次数", " 次")),
      el("div", { class: "card" }, el("h2", {}, "各条内容的满意率"), barChart(ratings, "各条内容的满意率", "%")),
      cases ? el("div", { class: "card", id: "on-time" }, el("h2", {}, "按期办结率"), barChart(onTime, "按期办结率", "%"),
        table(["类别", { label: "共", cls: "num" }, { label: "已答复", cls: "num" }, { label: "按期", cls: "num" },
          { label: "超期", cls: "num" }, { label: "逾期未办", cls: "num" }], cases.summary.map((k) => el("tr", {},
          el("td", {}, KIND_LABEL[k.kind] || k.kind), el("td", { class: "num" }, k.total), el("td", { class: "num" }, k.answered),
          el("td", { class: "num" }, k.on_time), el("td", { class: "num" }, k.late), el("td", { class: "num" }, k.overdue))),
        "还没有意见和申请")) : null));
}

/* ---- 审计 ------------------------------------------------------------------ */

const ACTION_LABEL = { draft: "起草", edit: "修改", review: "审核", approve: "审批", publish: "发布", withdraw: "撤回",
  return: "退回", put: "发布通知/答复", delete: "删除", reply: "答复", "reply-public": "公开答复", upload: "上传图片",
  "privacy-keep": "保留敏感信息", "category-add": "新增目录", "category-edit": "修改目录", "category-delete": "删除目录",
  "kiosk-register": "登记触控屏", "kiosk-move": "触控屏换组织", setting: "触控屏设置", command: "触控屏命令",
  "org-create": "新建组织", "org-edit": "修改组织", "admin-token": "管理员令牌", "console-login": "登录后台",
  "console-login-failed": "登录失败", "console-password": "设置密码", "case-open": "收到", "case-take": "接办",
  "case-assign": "指派", "case-status": "改状态" };

async function pageAudit() {
  const data = await api("GET", "/v1/admin/audit?limit=300");
  /* The chain is the county's: checked by the county's own admins. */
  const verify = S.features.audit_verify && S.org === "root" ? await api("GET", "/v1/admin/audit/verify") : null;
  const short = (t) => (t && t.length > 120 ? t.slice(0, 119) + "…" : t || "");
  const rows = data.audit.slice().reverse().map((a) => el("tr", {},
    el("td", { class: "nowrap" }, fmtTime(a.at)), el("td", {}, a.admin),
    el("td", { class: "nowrap", title: a.action }, ACTION_LABEL[a.action] || a.action), el("td", {}, a.target),
    el("td", { class: "wide-only", title: a.detail || null }, short(a.detail))));
  const status = verify
    ? (verify.ok ? el("p", { class: "state ok", id: "audit-verify" }, "记录链完整：共 " + verify.entries + " 条，未被改动")
      : el("p", { class: "state bad", id: "audit-verify" }, "记录链在第 " + verify.broken_at + " 条处断开：" + (verify.reason || "")))
    : el("p", { class: "muted", id: "audit-verify" },
      S.features.audit_verify ? "记录链由县级管理员校验。" : "这台服务器尚未提供记录链校验。");
  show(el("h1", {}, "审计"), el("div", { class: "card" }, status,
    table(["时间", "人员", "操作", "对象", { label: "说明", cls: "wide-only" }], rows, "没有记录")));
}

/* ---- 账号 ------------------------------------------------------------------ */

const ROLE_LABEL = { draft: "起草", review: "审核", approve: "审批", supervise: "监督", manage: "管理" };

async function pageAccounts() {
  const data = await api("GET", "/console/api/accounts");
  const secret = el("div", { id: "reset-result" });
  const roles = (words) => (words || "").split(",").filter(Boolean).map((w) => ROLE_LABEL[w] || w).join("、");
  const rows = data.accounts.map((a) => el("tr", { "data-account": a.name },
    el("td", {}, el("b", {}, a.name)),
    el("td", {}, roles(a.roles)),
    el("td", {}, a.org),
    el("td", {}, !a.has_password ? "未设置密码" : a.locked_until ? el("span", { class: "state bad" }, "锁定至 " + fmtTime(a.locked_until))
      : a.must_change ? el("span", { class: "state warn" }, "待修改初始密码") : el("span", { class: "state ok" }, "正常")),
    el("td", { class: "wide-only" }, fmtTime(a.last_login)),
    el("td", {}, a.name === S.admin ? el("a", { href: "#/password" }, "修改我的密码") : el("button", { type: "button", onclick: async () => {
      const r = await attempt(() => api("POST", "/console/api/accounts/" + encodeURIComponent(a.name) + "/reset"));
      if (r) secret.replaceChildren(el("p", {}, a.name + " 的新初始密码（只显示这一次，请当面交给本人）：", el("span", { class: "secret" }, r.password)));
    } }, "重置密码"))));
  show(el("h1", {}, "账号"), secret,
    el("div", { class: "card" }, table(["用户名", "角色", "组织", "状态", { label: "最近登录", cls: "wide-only" }, ""], rows)),
    el("p", { class: "muted" }, "管理员由有“管理”角色的管理员用 kioskctl admin-add 创建（或在县服务器上用 countyd --add-admin），再用 countyd --console-password 或本页的“重置密码”设初始密码（见 docs/CONSOLE.md）。"));
}

/* ---- routing ----------------------------------------------------------------- */

const PAGES = { overview: pageOverview, content: pageContent, review: pageReview, notices: pageNotices,
  feedback: pageFeedback, stats: pageStats, audit: pageAudit, accounts: pageAccounts };

async function route() {
  if (!S.csrf) return;
  if (S.mustChange) return renderPasswordChange(true);
  const hash = location.hash.replace(/^#\/?/, "") || "overview";
  const [path, query] = hash.split("?");
  const [page, ...rest] = path.split("/");
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === page ||
    (page === "edit" && a.dataset.page === "content"));
  try {
    if (page === "edit") await pageEdit(decodeURIComponent(rest.join("/")));
    else if (page === "password") renderPasswordChange(false);
    else await (PAGES[page] || pageOverview)(new URLSearchParams(query || ""));
    document.title = (document.querySelector("main h1") || {}).textContent + " · 党务公开管理后台";
  } catch (e) {
    if (e.status !== 401) show(el("h1", {}, "出错了"), el("p", { class: "error" }, e.message));
  }
}

window.addEventListener("hashchange", route);
document.addEventListener("DOMContentLoaded", async () => {
  document.getElementById("logout").addEventListener("click", async () => {
    await attempt(() => api("POST", "/console/api/logout"));
    S.csrf = "";
    renderLogin();
  });
  try {
    const s = await api("GET", "/console/api/session");
    if (s.logged_in) startSession(s);
    else renderLogin();
  } catch (e) {
    if (e.status !== 401) renderLogin(e.message);
  }
});
