// The customer's side of the web chat (/chat). Speaks the frames documented in
// include/intake/channels/web_chat.hpp over /chat/ws.
//
// What the page promises the customer:
// - the conversation survives a reload: the gateway's signed token is kept in localStorage;
// - a message is never lost: it stays in localStorage until the gateway acknowledges it,
//   and is sent again (same id, so the gateway files it once) after a reconnect;
// - every message is shown once, in order: the page remembers the last sequence number
//   it has shown and asks only for what comes after it.

const STORAGE_KEY = "intake.webchat.v1";
const MAX_TEXT_BYTES = 4096;
const RESEND_AFTER_MS = 3000;

const TEXTS = {
  zh: {
    title: "在线客服", label: "您的留言", send: "发送", hint: "Enter 发送，Shift+Enter 换行",
    connecting: "正在连接…", online: "已连接", offline: "连接已断开，正在重新连接…",
    sending: "发送中…", failed: "未能发送", tooLong: "留言太长了，请分几条发送", caseLine: (n) => `您的服务单号：${n}`,
  },
  en: {
    title: "Customer service", label: "Your message", send: "Send", hint: "Enter sends, Shift+Enter adds a line",
    connecting: "Connecting…", online: "Connected", offline: "Connection lost, reconnecting…",
    sending: "Sending…", failed: "Not sent", tooLong: "That message is too long; please split it", caseLine: (n) => `Your case number: ${n}`,
  },
};
const lang = (navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en";
const t = TEXTS[lang];

const log = document.getElementById("log");
const statusLine = document.getElementById("status");
const caseLine = document.getElementById("case");
const form = document.getElementById("compose");
const input = document.getElementById("text");

function loadState() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
    return { token: saved.token || null, customer: saved.customer || null, pending: Array.isArray(saved.pending) ? saved.pending : [] };
  } catch {
    return { token: null, customer: null, pending: [] };
  }
}
const state = loadState();
function saveState() {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: state.token, customer: state.customer, pending: state.pending }));
}

let lastSeq = 0;  // the newest message shown on this page
let socket = null;
let retryDelay = 500;
let resendTimer = null;

function setStatus(name) {
  statusLine.dataset.state = name;
  statusLine.textContent = t[name];
}

function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short" });
}

function bubble(from, text) {
  const li = document.createElement("li");
  li.className = "bubble";
  li.dataset.from = from;
  const body = document.createElement("span");
  body.textContent = text;  // never innerHTML: customers' and staff's words are text
  li.append(body, document.createElement("time"));
  return li;
}

function showPending(message) {
  if (log.querySelector(`[data-pending-id="${CSS.escape(message.id)}"]`)) return;
  const li = bubble("customer", message.text);
  li.dataset.state = "sending";
  li.dataset.pendingId = message.id;
  li.querySelector("time").textContent = t.sending;
  log.append(li);
  log.scrollTop = log.scrollHeight;
}

function showEntries(entries) {
  for (const m of entries) {
    if (m.seq <= lastSeq) continue;  // shown already
    lastSeq = m.seq;
    let li = m.id ? log.querySelector(`[data-pending-id="${CSS.escape(m.id)}"]`) : null;
    if (li) {
      delete li.dataset.state;
      delete li.dataset.pendingId;
    } else {
      li = bubble(m.from, m.text);
    }
    li.dataset.seq = String(m.seq);
    if (m.id) li.dataset.id = m.id;
    li.querySelector("time").textContent = formatTime(m.at);
    li.querySelector("time").dateTime = m.at;
    log.append(li);  // in sequence order, also for a bubble that was waiting
  }
  for (const waiting of log.querySelectorAll("[data-pending-id]")) log.append(waiting);  // still unanswered: last
  log.scrollTop = log.scrollHeight;
}

function sendPending() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  for (const m of state.pending) socket.send(JSON.stringify({ type: "message", id: m.id, text: m.text }));
}

function onFrame(frame) {
  switch (frame.type) {
    case "welcome":
      if (state.customer && state.customer !== frame.customer) {
        // The gateway did not know our token (a new key): a new conversation begins.
        log.replaceChildren();
        lastSeq = 0;
        for (const m of state.pending) showPending(m);
      }
      state.token = frame.token;
      state.customer = frame.customer;
      saveState();
      retryDelay = 500;
      setStatus("online");
      sendPending();
      break;
    case "ack":
      state.pending = state.pending.filter((m) => m.id !== frame.id);
      saveState();
      if (frame.case && frame.case.number) {
        caseLine.hidden = false;
        caseLine.textContent = t.caseLine(frame.case.number);
      }
      break;
    case "messages":
      showEntries(frame.messages);
      break;
    case "error":
      if (frame.code === "unavailable") {
        clearTimeout(resendTimer);
        resendTimer = setTimeout(sendPending, RESEND_AFTER_MS);
      } else if (frame.id) {
        // Refused for good: stop resending it, and say so where it stands.
        state.pending = state.pending.filter((m) => m.id !== frame.id);
        saveState();
        const li = log.querySelector(`[data-pending-id="${CSS.escape(frame.id)}"]`);
        if (li) {
          li.dataset.state = "failed";
          delete li.dataset.pendingId;
          li.querySelector("time").textContent = t.failed;
        }
      } else {
        console.warn("web chat:", frame.code, frame.message);
      }
      break;
  }
}

function connect() {
  setStatus(socket ? "offline" : "connecting");
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/chat/ws`);
  socket = ws;
  ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "hello", token: state.token, after: lastSeq })));
  ws.addEventListener("message", (event) => {
    try {
      onFrame(JSON.parse(event.data));
    } catch (e) {
      console.warn("web chat: unreadable frame", e);
    }
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    setStatus("offline");
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  });
}

function newMessageId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
    input.setCustomValidity(t.tooLong);
    input.reportValidity();
    return;
  }
  const message = { id: newMessageId(), text };
  state.pending.push(message);
  saveState();
  showPending(message);
  input.value = "";
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "message", ...message }));
});
input.addEventListener("input", () => input.setCustomValidity(""));
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
for (const el of document.querySelectorAll("[data-text]")) el.textContent = t[el.dataset.text];
document.title = t.title;
for (const m of state.pending) showPending(m);
connect();
