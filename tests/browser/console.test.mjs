// The staff console (/console) in a real browser against the real gateway: an agent signs
// in with a token, a customer in the web chat asks for a person and the conversation
// appears in the agent's queue without a reload, the agent takes it over and replies, and
// the reply appears in the customer's chat without a reload. No console error and no CSP
// violation on either page; a signed-out page is back at the sign-in form.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshotter, startGateway } from "./support.mjs";

let gateway;
let browser;
let agentToken;
const shot = screenshotter("console");

before(async () => {
  gateway = await startGateway({ env: { INTAKE_CHAT_WEB_SECRET: "browser-test-web-chat-key-0123456789" } });
  browser = await launchChromium();
  agentToken = JSON.parse(gateway.intakectl(["staff", "add", "--name", "王芳", "--role", "agent"])).token;
});

after(async () => {
  await browser?.close();
  if (gateway) assert.equal(await gateway.stop(), 0, "the gateway stops cleanly");
});

async function open(context, target) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${gateway.url}${target}`);
  return { page, problems };
}

test("an agent sees a flagged chat live, takes it over and the reply reaches the customer live", async () => {
  const staffContext = await browser.newContext({
    ignoreHTTPSErrors: true, locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 800 },
  });
  const customerContext = await browser.newContext({
    ignoreHTTPSErrors: true, locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 420, height: 760 },
  });
  const { page: desk, problems: deskProblems } = await open(staffContext, "/console");

  // Signing in: a wrong token is refused, the right one opens the queue.
  await desk.locator("#token").fill("ist_wrong");
  await desk.locator("#signin button[type=submit]").click();
  await desk.locator("#notice:not([hidden])").waitFor();
  await shot(desk, "sign-in-refused");
  await desk.locator("#token").fill(agentToken);
  await desk.keyboard.press("Enter");
  await desk.locator("#flagged").waitFor();
  await desk.locator('#live[data-state="on"]').waitFor();
  assert.match(await desk.locator("#who").textContent(), /王芳/);
  const cookies = await staffContext.cookies();
  const session = cookies.find((c) => c.name === "intake_session");
  assert.ok(session && session.httpOnly && session.secure && session.sameSite === "Strict", JSON.stringify(cookies));
  await shot(desk, "queue-empty");

  // The customer asks for a person in the web chat.
  const { page: chat, problems: chatProblems } = await open(customerContext, "/chat");
  await chat.locator('#status[data-state="online"]').waitFor();
  await chat.locator("#text").fill("胶水不固化，我要人工客服");
  await chat.keyboard.press("Enter");
  await chat.locator('#log .bubble[data-from="bot"]').first().waitFor();
  await shot(chat, "customer-asks-for-a-person");

  // It appears in the agent's queue without a reload.
  const row = desk.locator("#flagged tbody tr").first();
  await row.waitFor();
  assert.match(await row.textContent(), /chat\/web/);
  await shot(desk, "queue-live");

  // The agent opens it, sees why the bot flagged it, takes it over and replies.
  await row.locator("a").click();
  await desk.locator("#takeover").waitFor();
  assert.match(await desk.locator("#log").textContent(), /胶水不固化/);
  await desk.locator("#takeover").click();
  await desk.locator("#reply").waitFor();
  await desk.locator("#handback").waitFor();
  await shot(desk, "taken-over");
  const reply = "您好，我是客服王芳，请问胶水的批号是多少？";
  await desk.locator("#reply").fill(reply);
  await desk.locator("#reply-form button[type=submit]").click();
  await desk.locator('#log .bubble[data-from="staff"]', { hasText: "王芳" }).waitFor();
  await shot(desk, "replied");

  // The customer sees it without a reload.
  await chat.locator('#log .bubble[data-from="staff"]', { hasText: "王芳" }).waitFor();
  await shot(chat, "reply-arrived");

  // English, and signing out.
  await desk.locator("#lang").click();
  assert.equal(await desk.locator("#signout").textContent(), "Sign out");
  await desk.locator("#signout").click();
  await desk.locator("#token").waitFor();
  await shot(desk, "signed-out");
  const after = await desk.request.get(`${gateway.url}/api/v1/me`);
  assert.equal(after.status(), 401, "the cookie is worth nothing after signing out");

  assert.deepEqual(deskProblems.filter((p) => !p.includes("401")), [], "no console errors or CSP violations in the console");
  assert.deepEqual(chatProblems, [], "none in the chat");
  await staffContext.close();
  await customerContext.close();
});
