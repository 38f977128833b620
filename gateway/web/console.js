// The staff console (/console): sign in with a staff token, the live queue of flagged
// conversations and overdue cases, a conversation with its history, the bot's
// explanations, take over / reply / hand back and its open case, cases with search and CSV
// export, the dashboard (Chart.js, served by the gateway too) for supervisors, and for
// managers the rule versions: edit, try with the matched spans marked, regress, activate,
// roll back.
//
// Everything it shows comes from the staff API (/api/v1/), which applies the signed-in
// person's permissions; the page holds no secret but the session's CSRF token, in memory.
// /console/ws only says "this conversation changed": the page then reads it again.
// Text from customers is only ever set as textContent, never parsed as HTML.

const TEXTS = {
  zh: {
    title: "售后服务台", queue: "待办队列", signOut: "退出", signIn: "登录", token: "员工令牌",
    tokenHint: "由管理员用 intakectl staff add 生成，以 ist_ 开头", signInFailed: "令牌无效或已被吊销",
    flagged: "需要人工的会话", overdue: "已超时的案件", none: "暂无", channel: "渠道", reason: "原因",
    category: "类别", severity: "严重程度", due: "剩余时间", customer: "客户", handledBy: "处理方",
    bot: "机器人", staff: "人工", open: "打开", back: "返回队列", takeOver: "接管", handBack: "交还机器人",
    reply: "回复客户", send: "发送", sent: "已发送", caseTitle: "案件", status: "状态", note: "备注",
    save: "保存", saved: "已保存", explanation: "判定依据", rules: "命中规则", live: "实时", offline: "已断开，重连中…",
    overdueWord: "已超时", minutes: (m) => `${m} 分钟`, hours: (h, m) => `${h} 小时 ${m} 分`, days: (d) => `${d} 天`,
    ownedBy: (name) => `由 ${name} 处理`, failed: "操作失败：", sessionEnded: "登录已过期，请重新登录",
    noConversation: "没有这个会话，或您无权查看", language: "English",
    rulesNav: "规则", versions: "版本", active: "使用中", activate: "启用", rollback: "回退到此版本",
    editor: "编辑新版本", packText: "规则包（JSON，可含注释）", versionNote: "修改说明", saveVersion: "保存为新版本",
    savedVersion: (id) => `已保存为版本 ${id}（尚未启用）`, tryTitle: "试一试", tryText: "客户留言", tryVersion: "用哪个版本",
    inForce: "使用中的版本", tryButton: "判定", normalized: "规范化文本", decision: "判定结果", replyText: "回复",
    regress: "回归测试", regressButton: (id) => `对版本 ${id} 做回归测试`, corpus: "项目语料", recent: "近 7 天的案件",
    accuracy: "主类别准确率", changes: (n) => `${n} 条判定会改变`, before: "之前", after: "之后",
    managersOnly: "规则只对经理和管理员开放", activated: (id) => `版本 ${id} 已启用，所有网关实例即将使用它`,
    by: (name) => `由 ${name}`, fromFile: "来自规则文件",
    dashboardNav: "看板", period: "时间范围", lastDays: (n) => `最近 ${n} 天`, casesPerDay: "每日案件（按类别）",
    rates: "服务指标", timeliness: "首次响应及时率", satisfactionRate: "满意率", resolutionRate: "解决率",
    topCauses: "主要投诉原因", overdueCount: "超时案件", escalatedCount: "已升级案件", totalCases: "案件总数",
    supervisorsOnly: "看板只对主管、经理和管理员开放",
    assignToMe: "由我负责", unassigned: "未分配", mergeInto: "重复了哪个案件（案件号）", merge: "合并",
    compensation: "赔偿流程", step: "步骤", amount: "金额（元）", record: "记录", satisfaction: "回访评分",
    history: "处理记录", phone: "电话", email: "邮箱",
    applied: "已申请", reviewed: "已审核", confirmed: "已确认", paid: "已支付", rejected: "已驳回",
    casesNav: "案件", search: "案件号或客户姓名", any: "全部", overdueOnly: "只看超时", find: "查找",
    exportCsv: "导出 CSV", opened: "立案时间", assignee: "负责人",
  },
  en: {
    title: "After-sales desk", queue: "Queue", signOut: "Sign out", signIn: "Sign in", token: "Staff token",
    tokenHint: "Made by an administrator with intakectl staff add; starts with ist_", signInFailed: "The token is not valid or was revoked",
    flagged: "Conversations that need a person", overdue: "Overdue cases", none: "Nothing here", channel: "Channel",
    reason: "Reason", category: "Category", severity: "Severity", due: "Time left", customer: "Customer",
    handledBy: "Handled by", bot: "bot", staff: "staff", open: "Open", back: "Back to the queue", takeOver: "Take over",
    handBack: "Hand back to the bot", reply: "Reply to the customer", send: "Send", sent: "Sent", caseTitle: "Case",
    status: "Status", note: "Note", save: "Save", saved: "Saved", explanation: "Why", rules: "Rules that fired",
    live: "live", offline: "disconnected, reconnecting…", overdueWord: "overdue", minutes: (m) => `${m} min`,
    hours: (h, m) => `${h} h ${m} min`, days: (d) => `${d} days`, ownedBy: (name) => `handled by ${name}`,
    failed: "That did not work: ", sessionEnded: "The session has ended; please sign in again",
    noConversation: "No such conversation, or not yours to see", language: "中文",
    rulesNav: "Rules", versions: "Versions", active: "in force", activate: "Activate", rollback: "Roll back to this",
    editor: "Edit a new version", packText: "Rule pack (JSON, comments allowed)", versionNote: "What changed",
    saveVersion: "Save as a new version", savedVersion: (id) => `Saved as version ${id} (not in force yet)`,
    tryTitle: "Try it", tryText: "A customer's message", tryVersion: "With version", inForce: "the one in force",
    tryButton: "Decide", normalized: "Normalised text", decision: "Decision", replyText: "Reply", regress: "Regression",
    regressButton: (id) => `Run the regression for version ${id}`, corpus: "Project corpus", recent: "Cases of the last 7 days",
    accuracy: "Primary accuracy", changes: (n) => `${n} decisions would change`, before: "Before", after: "After",
    managersOnly: "The rules are for managers and admins", activated: (id) => `Version ${id} is in force; every gateway instance follows`,
    by: (name) => `by ${name}`, fromFile: "from the rule file",
    dashboardNav: "Dashboard", period: "Period", lastDays: (n) => `last ${n} days`, casesPerDay: "Cases per day, by category",
    rates: "Service figures", timeliness: "First responses in time", satisfactionRate: "Satisfied", resolutionRate: "Resolved",
    topCauses: "Top complaint causes", overdueCount: "Overdue cases", escalatedCount: "Escalated cases", totalCases: "Cases",
    supervisorsOnly: "The dashboard is for supervisors, managers and admins",
    assignToMe: "Assign to me", unassigned: "nobody", mergeInto: "Duplicate of case (number)", merge: "Merge",
    compensation: "Compensation", step: "Step", amount: "Amount (CNY)", record: "Record", satisfaction: "Rating",
    history: "History", phone: "Phone", email: "E-mail",
    applied: "applied", reviewed: "reviewed", confirmed: "confirmed", paid: "paid", rejected: "rejected",
    casesNav: "Cases", search: "Case number or customer's name", any: "any", overdueOnly: "Overdue only", find: "Find",
    exportCsv: "Export CSV", opened: "Opened", assignee: "Assignee",
  },
};
const LABELS = {
  zh: {
    inquiry: "咨询", complaint: "投诉", product_quality: "产品质量", installation_quality: "安装质量", misuse: "使用不当",
    staff_attitude: "服务态度", logistics: "物流", other: "其他", normal: "一般", serious: "严重", major: "重大",
    new: "新建", acknowledged: "已受理", in_progress: "处理中", pending_customer: "待客户回复", resolved: "已解决",
    closed: "已关闭", reopened: "已重开", customer: "客户", bot: "机器人",
    human_request: "客户要求人工", major_severity: "重大问题", low_confidence: "机器人无法判断",
    repeated_complaint: "重复投诉", low_satisfaction: "回访不满意",
    agent: "客服专员", supervisor: "主管", manager: "经理", admin: "管理员",
    open: "立案", attach: "并入已有案件", reopen: "重开案件",
  },
  en: {
    human_request: "asked for a person", major_severity: "major", low_confidence: "the bot is unsure",
    repeated_complaint: "repeated complaint", low_satisfaction: "unhappy with the follow-up",
    open: "open a case", attach: "add to the open case", reopen: "reopen the case",
  },
};
const STATUSES = ["new", "acknowledged", "in_progress", "pending_customer", "resolved", "closed", "reopened"];
const WARN_BEFORE_MS = 2 * 60 * 60 * 1000;  // a due time this close shows as a warning

let lang = localStorage.getItem("intake.console.lang") ||
  ((navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en");
const t = (key, ...args) => { const v = TEXTS[lang][key]; return typeof v === "function" ? v(...args) : v; };
const label = (id) => (id && LABELS[lang][id]) || id || "";

const session = { staff: null, csrf: null };
const main = document.getElementById("main");
const notice = document.getElementById("notice");
const liveLine = document.getElementById("live");

// el("p", {class: "x"}, "text", child…): an element; strings become text nodes.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

let noticeTimer = null;
// A short message at the bottom of the page; it goes by itself after a few seconds.
function say(message) {
  notice.textContent = message;
  notice.hidden = !message;
  clearTimeout(noticeTimer);
  if (message) noticeTimer = setTimeout(() => { notice.hidden = true; }, 5000);
}

class SignedOut extends Error {}

// A staff API call; changes carry the CSRF token. Throws SignedOut on 401, Error otherwise.
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && session.csrf) headers["X-CSRF-Token"] = session.csrf;
  const res = await fetch(`/api/v1/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                               credentials: "same-origin", cache: "no-store" });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) throw new SignedOut();
  if (!res.ok) throw new Error(data?.error?.message || `HTTP ${res.status}`);
  return data;
}

function timeLeft(dueIso, overdue) {
  if (!dueIso) return { text: "", state: "none" };
  const ms = new Date(dueIso).getTime() - Date.now();
  if (overdue || ms <= 0) return { text: t("overdueWord"), state: "breach" };
  const minutes = Math.floor(ms / 60000);
  const text = minutes < 60 ? t("minutes", minutes)
             : minutes < 48 * 60 ? t("hours", Math.floor(minutes / 60), minutes % 60) : t("days", Math.floor(minutes / 1440));
  return { text, state: ms < WARN_BEFORE_MS ? "warning" : "ok" };
}

function formatTime(iso) {
  return new Date(iso).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short" });
}

// ---- the views ------------------------------------------------------------------------

function showSignIn(message = "") {
  document.getElementById("nav").hidden = true;
  document.getElementById("signout").hidden = true;
  document.getElementById("who").textContent = "";
  closeSocket();
  const input = el("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true,
                              "aria-describedby": "token-hint" });
  const form = el("form", { class: "card signin", id: "signin" },
    el("h2", {}, t("signIn")),
    el("label", { for: "token" }, t("token")), input,
    el("p", { class: "hint", id: "token-hint" }, t("tokenHint")),
    el("button", { type: "submit" }, t("signIn")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const res = await fetch("/api/v1/session", { method: "POST", headers: { "Content-Type": "application/json" },
                                                   body: JSON.stringify({ token: input.value.trim() }) });
      if (!res.ok) { say(t("signInFailed")); input.select(); return; }
      signedIn(await res.json());
    } catch (e) { say(t("failed") + e.message); }
  });
  main.replaceChildren(form);
  say(message);
  input.focus();
}

function signedIn({ staff, csrf }) {
  session.staff = staff;
  session.csrf = csrf;
  say("");
  document.getElementById("nav").hidden = false;
  document.getElementById("nav-rules").hidden = !isManager();
  document.getElementById("nav-dashboard").hidden = !isSupervisor();
  document.getElementById("signout").hidden = false;
  document.getElementById("who").textContent = `${staff.name} · ${label(staff.role)}`;
  openSocket();
  if (!location.hash || location.hash === "#/signin") location.hash = "#/queue";
  else route();
}

async function showQueue() {
  const [flagged, overdue] = await Promise.all([api("GET", "conversations?flagged=true&limit=200"),
                                                api("GET", "cases?overdue=true&limit=200")]);
  const conversationRows = flagged.conversations.map((c) => {
    const due = timeLeft(c.open_case?.first_response_due, c.open_case?.overdue);
    return el("tr", { "data-conversation": c.id },
      el("td", {}, el("a", { href: `#/conversation/${c.id}` }, c.customer?.name || `${t("customer")} ${c.id.slice(0, 8)}`)),
      el("td", {}, c.channel),
      el("td", {}, label(c.flag_reason)),
      el("td", {}, label(c.open_case?.category)),
      el("td", { "data-severity": c.open_case?.severity || "" }, label(c.open_case?.severity)),
      el("td", { class: "due", "data-state": due.state }, due.text),
      el("td", {}, c.handled_by === "staff" ? t("ownedBy", c.assignee?.name || "") : t("bot")));
  });
  const caseRows = overdue.cases.map((k) => {
    const due = timeLeft(k.first_response_due, k.overdue);
    return el("tr", { "data-case": k.number },
      el("td", {}, k.number), el("td", {}, k.channel), el("td", {}, label(k.status)), el("td", {}, label(k.category)),
      el("td", { "data-severity": k.severity }, label(k.severity)),
      el("td", { class: "due", "data-state": due.state }, due.text),
      el("td", {}, k.assignee?.name || ""));
  });
  const table = (id, heads, rows) => rows.length
    ? el("table", { id }, el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, t(h))))), el("tbody", {}, rows))
    : el("p", { class: "empty", id }, t("none"));
  main.replaceChildren(
    el("section", { class: "card", "aria-labelledby": "flagged-title" },
      el("h2", { id: "flagged-title" }, t("flagged")),
      table("flagged", ["customer", "channel", "reason", "category", "severity", "due", "handledBy"], conversationRows)),
    el("section", { class: "card", "aria-labelledby": "overdue-title" },
      el("h2", { id: "overdue-title" }, t("overdue")),
      table("overdue", ["caseTitle", "channel", "status", "category", "severity", "due", "handledBy"], caseRows)));
}

function explanationOf(message) {
  const c = message.classification;
  if (!c || message.author !== "customer") return null;
  const rules = (c.rules || []).map((r) => el("li", {}, `${r.rule} → ${r.target} (${r.weight})`));
  return el("details", { class: "why" },
    el("summary", {}, `${t("explanation")}: ${label(c.primary)} · ${label(c.severity)}`),
    rules.length ? el("ul", { "aria-label": t("rules") }, rules) : null);
}

function messageItem(m) {
  return el("li", { class: "bubble", "data-from": m.author },
    el("span", { class: "author" }, m.author === "staff" ? t("staff") : label(m.author)),
    el("p", {}, m.text), el("time", { datetime: m.at }, `${formatTime(m.at)} · ${m.channel}`), explanationOf(m));
}

// `live`: a refresh because something changed elsewhere. A form being filled in is then
// kept as it is and only the history is brought up to date; the check and the update run
// with no await between them, so nothing typed can slip in and be lost.
async function showConversation(id, { live = false } = {}) {
  let c;
  try {
    c = await api("GET", `conversations/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof SignedOut) throw e;
    main.replaceChildren(el("p", { class: "card" }, t("noConversation")), el("a", { href: "#/queue" }, t("back")));
    return;
  }
  const mine = c.handled_by === "staff" && c.assignee?.id === session.staff.id;
  // The whole case (clocks, customer, compensation, events), not only the queue's summary.
  const kase = c.open_case ? await api("GET", `cases/${encodeURIComponent(c.open_case.number)}`).catch((e) => {
    if (e instanceof SignedOut) throw e;
    return null;
  }) : null;
  if (live && editing()) {  // from here on nothing awaits: the page cannot change under us
    document.getElementById("log")?.replaceChildren(...c.messages.map(messageItem));
    return;
  }
  const messages = c.messages.map(messageItem);
  const actions = el("div", { class: "actions" },
    c.handled_by === "bot"
      ? el("button", { type: "button", id: "takeover", onclick: () => act(`conversations/${id}/takeover`, {}) }, t("takeOver"))
      : el("p", { class: "owner" }, t("ownedBy", c.assignee?.name || "")),
    c.handled_by === "staff"
      ? el("button", { type: "button", id: "handback", class: "quiet", onclick: () => act(`conversations/${id}/release`, {}) },
           t("handBack"))
      : null);
  const text = el("textarea", { id: "reply", name: "text", rows: 3, maxlength: 4096, required: true });
  const reply = el("form", { class: "reply", id: "reply-form" },
    el("label", { for: "reply" }, t("reply")), text, el("button", { type: "submit" }, t("send")));
  reply.addEventListener("submit", async (event) => {
    event.preventDefault();
    // The id makes a resend of the same click harmless: the API answers the first message.
    const clientId = reply.dataset.clientId || (reply.dataset.clientId = crypto.randomUUID());
    try {
      await api("POST", `conversations/${id}/messages`, { text: text.value, id: clientId });
      delete reply.dataset.clientId;
      text.value = "";
      say(t("sent"));
      await showConversation(id);
    } catch (e) { handle(e); }
  });
  main.replaceChildren(
    el("p", {}, el("a", { href: "#/queue" }, `← ${t("back")}`)),
    el("div", { class: "conversation" },
      el("section", { class: "card history" },
        el("h2", {}, `${c.customer?.name || t("customer")} · ${c.channel}`),
        c.flag_reason ? el("p", { class: "flag" }, `${t("reason")}: ${label(c.flag_reason)}`) : null,
        el("ol", { class: "log", id: "log", "aria-live": "polite" }, messages),
        actions, mine ? reply : null),
      kase ? casePanel(kase) : null));
}

const COMPENSATION_STEPS = ["applied", "reviewed", "confirmed", "paid", "rejected"];

// The open case beside its conversation: what it is, who has it, and every change made
// to it; the changes a role may not make are refused by the API with its reason.
function casePanel(k) {
  const due = timeLeft(k.first_response_due, k.overdue);
  const choose = (id, values, current) => el("select", { id, name: id },
    values.map((v) => el("option", { value: v, selected: v === current }, label(v))));
  const status = choose("case-status", STATUSES, k.status);
  const category = choose("case-category", CATEGORIES, k.category);
  const severity = choose("case-severity", SEVERITIES, k.severity);
  const note = el("textarea", { id: "case-note", name: "note", rows: 2, maxlength: 4000 });
  const patch = async (change) => {
    try {
      await api("PATCH", `cases/${encodeURIComponent(k.number)}`, change);
      say(t("saved"));
      await route();
    } catch (e) { handle(e); }
  };
  const form = el("form", { class: "card case", id: "case" },
    el("h2", {}, `${t("caseTitle")} ${k.number}`),
    el("dl", {},
      el("dt", {}, t("due")), el("dd", { class: "due", "data-state": due.state }, due.text),
      el("dt", {}, t("assignee")), el("dd", { id: "case-assignee" }, k.assignee?.name || t("unassigned")),
      k.customer?.phone ? [el("dt", {}, t("phone")), el("dd", {}, k.customer.phone)] : null,
      k.customer?.email ? [el("dt", {}, t("email")), el("dd", {}, k.customer.email)] : null,
      k.satisfaction ? [el("dt", {}, t("satisfaction")),
                        el("dd", {}, `${k.satisfaction.rating}/5 ${k.satisfaction.comment || ""}`)] : null,
      k.compensation ? [el("dt", {}, t("compensation")),
                        el("dd", { id: "case-compensation" },
                           `${t(k.compensation.step) || k.compensation.step || ""} ${k.compensation.amount ?? ""}`)]
                     : null),
    el("label", { for: "case-status" }, t("status")), status,
    el("label", { for: "case-category" }, t("category")), category,
    el("label", { for: "case-severity" }, t("severity")), severity,
    el("label", { for: "case-note" }, t("note")), note,
    el("div", { class: "row" },
      el("button", { type: "submit" }, t("save")),
      k.assignee?.id === session.staff.id ? null
        : el("button", { type: "button", class: "quiet", id: "assign-me", onclick: () => patch({ assignee: session.staff.id }) },
             t("assignToMe"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const change = {};
    if (status.value !== k.status) change.status = status.value;
    if (category.value !== k.category) change.category = category.value;
    if (severity.value !== k.severity) change.severity = severity.value;
    if (note.value.trim()) change.note = note.value.trim();
    if (Object.keys(change).length) patch(change);
  });

  const step = choose("compensation-step", COMPENSATION_STEPS, "");
  for (const option of step.options) option.textContent = t(option.value);
  const amount = el("input", { id: "compensation-amount", name: "amount", type: "number", min: 0, step: "0.01" });
  const compensation = el("form", { class: "card", id: "compensation" },
    el("h2", {}, t("compensation")),
    el("label", { for: "compensation-step" }, t("step")), step,
    el("label", { for: "compensation-amount" }, t("amount")), amount,
    el("button", { type: "submit" }, t("record")));
  compensation.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { step: step.value };
    if (amount.value) body.amount = Number(amount.value);
    try { await api("POST", `cases/${encodeURIComponent(k.number)}/compensation`, body); say(t("saved")); await route(); }
    catch (e) { handle(e); }
  });

  const into = el("input", { id: "merge-into", name: "into", required: true, pattern: "[A-Z0-9]+-\\d{8}-\\d{4}" });
  const merge = isSupervisor() ? el("form", { class: "card", id: "merge" },
    el("label", { for: "merge-into" }, t("mergeInto")), into, el("button", { type: "submit" }, t("merge"))) : null;
  merge?.addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await api("POST", `cases/${encodeURIComponent(k.number)}/merge`, { into: into.value.trim() }); say(t("saved")); await route(); }
    catch (e) { handle(e); }
  });

  const events = el("section", { class: "card" }, el("h2", {}, t("history")),
    el("ol", { class: "events", id: "case-events" }, (k.events || []).slice(-30).reverse().map((e) =>
      el("li", {}, el("time", { datetime: e.at }, formatTime(e.at)), ` ${e.kind} · ${e.actor}`))));
  return el("div", { class: "case-column" }, form, compensation, merge, events);
}

async function act(path, body) {
  try {
    await api("POST", path, body);
    say("");
    await route();
  } catch (e) { handle(e); }
}

function handle(error) {
  if (error instanceof SignedOut) showSignIn(t("sessionEnded"));
  else say(t("failed") + error.message);
}

async function route() {
  if (!session.staff) return;
  const [, view, id] = (location.hash || "#/queue").split("/");
  try {
    if (view === "conversation" && id) await showConversation(decodeURIComponent(id));
    else if (view === "rules") await showRules();
    else if (view === "dashboard") await showDashboard(Number(id) || 30);
    else if (view === "cases") await showCases(id ? new URLSearchParams(decodeURIComponent(id)) : new URLSearchParams());
    else await showQueue();
  } catch (e) { handle(e); }
}

// ---- cases: search, filters, CSV --------------------------------------------------------

const CATEGORIES = ["inquiry", "complaint", "product_quality", "installation_quality", "misuse", "staff_attitude",
                    "logistics", "other"];
const SEVERITIES = ["normal", "serious", "major"];

async function showCases(params) {
  const query = new URLSearchParams();
  for (const key of ["q", "status", "category", "severity", "overdue"]) if (params.get(key)) query.set(key, params.get(key));
  query.set("limit", "200");
  const listed = await api("GET", `cases?${query}`);
  const select = (name, values) => el("select", { id: `filter-${name}`, name },
    el("option", { value: "" }, t("any")), values.map((v) => el("option", { value: v, selected: params.get(name) === v }, label(v))));
  const q = el("input", { id: "filter-q", name: "q", type: "search", value: params.get("q") || "", maxlength: 100 });
  const overdue = el("input", { id: "filter-overdue", name: "overdue", type: "checkbox", value: "true",
                                checked: params.get("overdue") === "true" });
  const form = el("form", { class: "card filters", id: "case-filters" },
    el("label", { for: "filter-q" }, t("search")), q,
    el("div", { class: "row" },
      el("span", {}, el("label", { for: "filter-status" }, t("status")), select("status", STATUSES)),
      el("span", {}, el("label", { for: "filter-category" }, t("category")), select("category", CATEGORIES)),
      el("span", {}, el("label", { for: "filter-severity" }, t("severity")), select("severity", SEVERITIES)),
      el("span", { class: "check" }, overdue, el("label", { for: "filter-overdue" }, t("overdueOnly")))),
    el("div", { class: "row" }, el("button", { type: "submit" }, t("find")),
       el("a", { id: "export", class: "button quiet", href: `/api/v1/cases?${query}&format=csv`, download: "cases.csv" },
          t("exportCsv"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) chosen.set(key, value);
    location.hash = `#/cases/${encodeURIComponent(chosen.toString())}`;
  });
  const rows = listed.cases.map((k) => {
    const due = timeLeft(k.first_response_due, k.overdue);
    return el("tr", { "data-case": k.number },
      el("td", {}, k.number), el("td", {}, k.customer || ""), el("td", {}, k.channel), el("td", {}, label(k.status)),
      el("td", {}, label(k.category)), el("td", { "data-severity": k.severity }, label(k.severity)),
      el("td", { class: "due", "data-state": due.state }, due.text), el("td", {}, k.assignee?.name || ""),
      el("td", {}, formatTime(k.opened_at)));
  });
  main.replaceChildren(form, el("section", { class: "card" },
    rows.length
      ? el("table", { id: "cases" }, el("thead", {}, el("tr", {},
          ["caseTitle", "customer", "channel", "status", "category", "severity", "due", "assignee", "opened"]
            .map((h) => el("th", { scope: "col" }, t(h))))), el("tbody", {}, rows))
      : el("p", { class: "empty", id: "cases" }, t("none"))));
}

// ---- the dashboard (supervisors and up), drawn by Chart.js --------------------------------

const isSupervisor = () => ["supervisor", "manager", "admin"].includes(session.staff?.role);
const PALETTE = ["#1d6fd8", "#d9480f", "#2b8a3e", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c677d"];
let charts = [];

function chart(id, config) {
  const canvas = el("canvas", { id, role: "img", "aria-label": config.label });
  const chartConfig = { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } };
  delete chartConfig.label;
  requestAnimationFrame(() => charts.push(new window.Chart(canvas, chartConfig)));
  return el("div", { class: "chart" }, canvas);
}

async function showDashboard(days) {
  if (!isSupervisor()) {
    main.replaceChildren(el("p", { class: "card", id: "dashboard-forbidden" }, t("supervisorsOnly")));
    return;
  }
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86400000);
  const day = (d) => d.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });  // YYYY-MM-DD in the company's zone
  const k = await api("GET", `reports/kpi?from=${day(from)}&to=${day(to)}`);
  for (const c of charts) c.destroy();
  charts = [];

  const categories = [...new Set(k.by_day.flatMap((d) => Object.keys(d.by_category)))];
  // Every day of the period, a quiet one at zero: the report lists only days with cases.
  const counted = new Map(k.by_day.map((d) => [d.day, d.by_category]));
  const allDays = Array.from({ length: days }, (_, i) => day(new Date(from.getTime() + i * 86400000)));
  const percent = (rate) => (rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10);
  const stat = (id, name, value) => el("div", { class: "stat", id }, el("span", {}, t(name)), el("strong", {}, String(value)));
  const period = el("select", { id: "dashboard-period", "aria-label": t("period") },
    [7, 30, 90].map((n) => el("option", { value: n, selected: n === days }, t("lastDays", n))));
  period.addEventListener("change", () => { location.hash = `#/dashboard/${period.value}`; });

  main.replaceChildren(
    el("div", { class: "card stats" }, period,
       stat("stat-cases", "totalCases", k.cases), stat("stat-overdue", "overdueCount", k.overdue),
       stat("stat-escalated", "escalatedCount", k.escalated)),
    el("div", { class: "dashboard" },
      el("section", { class: "card wide" }, el("h2", {}, t("casesPerDay")),
        chart("chart-per-day", {
          label: t("casesPerDay"), type: "bar",
          data: { labels: allDays,
                  datasets: categories.map((c, i) => ({ label: label(c), data: allDays.map((d) => counted.get(d)?.[c] || 0),
                                                        backgroundColor: PALETTE[i % PALETTE.length] })) },
          options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
        })),
      el("section", { class: "card" }, el("h2", {}, t("rates")),
        chart("chart-rates", {
          label: t("rates"), type: "bar",
          data: { labels: [t("timeliness"), t("satisfactionRate"), t("resolutionRate")],
                  datasets: [{ label: "%", data: [percent(k.timeliness_rate), percent(k.satisfaction_rate), percent(k.resolution_rate)],
                               backgroundColor: [PALETTE[0], PALETTE[2], PALETTE[4]] }] },
          options: { plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 100 } } },
        })),
      el("section", { class: "card" }, el("h2", {}, t("topCauses")),
        chart("chart-causes", {
          label: t("topCauses"), type: "bar",
          data: { labels: k.top_complaint_causes.map((c) => label(c.category)),
                  datasets: [{ label: t("totalCases"), data: k.top_complaint_causes.map((c) => c.cases), backgroundColor: PALETTE[1] }] },
          options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
        }))));
}

// ---- the rules (managers and admins) -----------------------------------------------------

const isManager = () => ["manager", "admin"].includes(session.staff?.role);

// The normalised text with each matched span marked. Spans are byte offsets into its UTF-8.
function highlighted(normalized, hits) {
  const bytes = new TextEncoder().encode(normalized);
  const decode = (from, to) => new TextDecoder().decode(bytes.slice(from, to));
  const spans = hits.map((h) => h.span).filter((s) => s && s[1] > s[0]).sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [from, to] of spans) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to); else merged.push([from, to]);
  }
  const parts = [];
  let at = 0;
  for (const [from, to] of merged) {
    if (from > at) parts.push(decode(at, from));
    parts.push(el("mark", {}, decode(from, to)));
    at = to;
  }
  if (at < bytes.length) parts.push(decode(at, bytes.length));
  return el("p", { class: "normalized", id: "try-normalized" }, parts);
}

async function showRules() {
  if (!isManager()) {
    main.replaceChildren(el("p", { class: "card", id: "rules-forbidden" }, t("managersOnly")));
    return;
  }
  const listed = await api("GET", "rules");
  const activeId = listed.active;
  const current = activeId ? await api("GET", `rules/${activeId}`) : { pack: "" };

  const versionRows = listed.versions.map((v) => el("li", { "data-version": v.id, class: v.active ? "active" : "" },
    el("strong", {}, `#${v.id}`), " ", v.label, v.active ? el("span", { class: "badge" }, t("active")) : null,
    el("br"), el("small", {}, [formatTime(v.created_at), " · ", v.from_file ? t("fromFile") : t("by", v.created_by?.name || "—"),
                               v.note ? ` · ${v.note}` : ""].join("")),
    el("div", { class: "row" },
      v.active ? null : el("button", { type: "button", class: "quiet", "data-activate": v.id, onclick: async () => {
        try { await api("POST", `rules/${v.id}/activate`); say(t("activated", v.id)); await showRules(); } catch (e) { handle(e); }
      } }, v.id < activeId ? t("rollback") : t("activate")),
      el("button", { type: "button", class: "quiet", "data-regress": v.id, onclick: () => runRegression(v.id) },
         t("regressButton", v.id)))));

  const pack = el("textarea", { id: "pack", name: "pack", rows: 18, spellcheck: "false", "aria-describedby": "pack-error" },
                  current.pack);
  pack.value = current.pack;
  const note = el("input", { id: "version-note", name: "note", maxlength: 1000 });
  const packError = el("p", { class: "error", id: "pack-error", role: "alert" });
  const editor = el("form", { class: "card", id: "editor" },
    el("h2", {}, t("editor")),
    el("label", { for: "pack" }, t("packText")), pack, packError,
    el("label", { for: "version-note" }, t("versionNote")), note,
    el("button", { type: "submit" }, t("saveVersion")));
  editor.addEventListener("submit", async (event) => {
    event.preventDefault();
    packError.textContent = "";
    try {
      const saved = await api("POST", "rules", { pack: pack.value, note: note.value || undefined });
      say(t("savedVersion", saved.id));
      await showRules();
    } catch (e) {
      if (e instanceof SignedOut) return handle(e);
      packError.textContent = e.message;  // the JSON pointer and RE2's words, from the server
      pack.focus();
    }
  });

  const text = el("input", { id: "try-text", name: "text", required: true });
  const version = el("select", { id: "try-version", name: "version" },
    el("option", { value: "" }, t("inForce")),
    listed.versions.map((v) => el("option", { value: v.id }, `#${v.id} ${v.label}`)));
  const result = el("div", { id: "try-result" });
  const tryForm = el("form", { class: "card", id: "try" },
    el("h2", {}, t("tryTitle")),
    el("label", { for: "try-text" }, t("tryText")), text,
    el("label", { for: "try-version" }, t("tryVersion")), version,
    el("button", { type: "submit" }, t("tryButton")), result);
  tryForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const body = { text: text.value };
      if (version.value) body.version = Number(version.value);
      const d = await api("POST", "rules/dry-run", body);
      const hits = d.classification.rules || [];
      result.replaceChildren(
        el("h3", {}, t("normalized")), highlighted(d.normalized, hits),
        el("ul", { id: "try-rules", "aria-label": t("rules") },
           hits.map((h) => el("li", {}, `${h.rule} → ${h.target} (${h.weight}): `, el("mark", {}, h.matched)))),
        el("h3", {}, t("decision")),
        el("p", { id: "try-decision" },
           [label(d.decision.category), label(d.decision.severity), label(d.decision.case_action)].filter(Boolean).join(" · ")),
        d.decision.reply ? el("p", { class: "reply-text" }, `${t("replyText")}: ${d.decision.reply}`) : null);
    } catch (e) { handle(e); }
  });

  main.replaceChildren(el("div", { class: "rules" },
    el("section", { class: "card versions" }, el("h2", {}, t("versions")), el("ol", { id: "versions" }, versionRows)),
    el("div", {}, editor, tryForm, el("section", { class: "card", id: "regression", hidden: true }))));
}

async function runRegression(id) {
  const section = document.getElementById("regression");
  try {
    const r = await api("POST", `rules/${id}/regress`, {});
    const scores = (part) => part.candidate
      ? el("p", {}, `${t("accuracy")}: ${part.baseline ? part.baseline.primary_accuracy.toFixed(3) + " → " : ""}` +
                    `${part.candidate.primary_accuracy.toFixed(3)} (${part.candidate.count})`)
      : el("p", { class: "error" }, part.error || "");
    const changes = (part, id) => el("div", {},
      el("p", {}, t("changes", (part.changed || []).length)),
      (part.changed || []).length
        ? el("table", { id }, el("thead", {}, el("tr", {}, el("th", {}, t("tryText")), el("th", {}, t("before")), el("th", {}, t("after")))),
             el("tbody", {}, part.changed.slice(0, 200).map((c) => el("tr", {}, el("td", {}, c.text), el("td", {}, c.before), el("td", {}, c.after)))))
        : null);
    section.replaceChildren(el("h2", {}, `${t("regress")} · #${id}`),
      el("h3", {}, t("corpus")), scores(r.corpus), changes(r.corpus, "corpus-changes"),
      el("h3", {}, t("recent")), scores(r.recent), changes(r.recent, "recent-changes"));
    section.hidden = false;
    section.scrollIntoView();
  } catch (e) { handle(e); }
}

// ---- live: /console/ws ------------------------------------------------------------------

let socket = null;
let retryDelay = 500;
let refresh = null;

function openSocket() {
  if (socket) return;
  socket = new WebSocket(`wss://${location.host}/console/ws`);
  socket.addEventListener("open", () => { retryDelay = 500; liveLine.dataset.state = "on"; liveLine.textContent = t("live"); });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type !== "queue") return;
    const [, view, id] = (location.hash || "#/queue").split("/");
    if (view === "rules" || view === "cases" || view === "dashboard") return;  // not the queue: keep what is being typed
    const conversation = decodeURIComponent(id || "");
    const affected = view !== "conversation" || frame.conversation === null || frame.conversation === conversation;
    if (!affected) return;
    clearTimeout(refresh);  // a burst of changes reads once
    // Someone typing or choosing in a form keeps it: only the history is brought up to date.
    refresh = setTimeout(() => (view === "conversation" ? showConversation(conversation, { live: true }).catch(handle) : route()), 150);
  });
  socket.addEventListener("close", () => {
    socket = null;
    if (!session.staff) return;
    liveLine.dataset.state = "off";
    liveLine.textContent = t("offline");
    setTimeout(() => { if (session.staff) openSocket(); route(); }, retryDelay);  // read again: changes may be missed
    retryDelay = Math.min(retryDelay * 2, 15000);
  });
}

// True while a form on the page holds something not yet sent: text typed, a choice changed.
function editing() {
  const fields = [...main.querySelectorAll("textarea, input")].filter((f) => f.type !== "checkbox");
  if (fields.some((f) => f.value.trim() !== "")) return true;
  return [...main.querySelectorAll("select")].some((s) => {
    const initial = [...s.options].find((o) => o.defaultSelected) ?? s.options[0];
    return initial && s.value !== initial.value;
  });
}

function closeSocket() {
  session.staff = null;
  if (socket) socket.close();
  socket = null;
  liveLine.textContent = "";
}

// ---- start ------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  document.title = t("title");
  document.getElementById("lang").textContent = t("language");
}

document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("intake.console.lang", lang);
  applyLanguage();
  if (session.staff) route(); else showSignIn();
});
document.getElementById("signout").addEventListener("click", async () => {
  try { await api("DELETE", "session"); } catch { /* ended already */ }
  session.csrf = null;
  showSignIn();
});
window.addEventListener("hashchange", route);

applyLanguage();
fetch("/api/v1/session", { cache: "no-store" })
  .then(async (res) => (res.ok ? signedIn(await res.json()) : showSignIn()))
  .catch(() => showSignIn());
