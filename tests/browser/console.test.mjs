// The staff console (/console) in a real browser against the real gateway: an agent signs
// in with a token, a customer in the web chat asks for a person and the conversation
// appears in the agent's queue without a reload, the agent takes it over and replies, and
// the reply appears in the customer's chat without a reload. A manager edits a rule, tries
// a text and sees the matched words marked, runs the regression, activates the version,
// and the next webhook is classified by it; an agent cannot open the rule editor. No
// console error and no CSP violation on any page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshotter, startGateway } from "./support.mjs";

let gateway;
let browser;
let agentToken;
const shot = screenshotter("console");

before(async () => {
  gateway = await startGateway({
    env: { INTAKE_CHAT_WEB_SECRET: "browser-test-web-chat-key-0123456789" },
    config: { channels: { "chat/generic": { allow_unsigned: true } } },  // the test posts a webhook itself
  });
  browser = await launchChromium();
  agentToken = JSON.parse(gateway.intakectl(["staff", "add", "--name", "王芳", "--role", "agent"])).token;
});

after(async () => {
  await browser?.close();
  if (gateway) assert.equal(await gateway.stop(), 0, "the gateway stops cleanly");
});

// Chromium logs every 4xx answer as a console error. The page expects two: 401 while
// nobody is signed in, 400 for a rule pack it shows refused. Anything else counts.
const unexpected = (problems) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of 40[01] /.test(p));

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

  // The case panel: take the case, raise its severity with a note, start a compensation.
  await desk.locator("#assign-me").click();
  await desk.locator("#case-assignee", { hasText: "王芳" }).waitFor();
  await desk.locator("#case-severity").selectOption("serious");
  await desk.locator("#case-note").fill("客户称整批胶水都不固化");
  await desk.locator("#case button[type=submit]").click();
  await desk.locator("#case-events li", { hasText: "labels_changed" }).waitFor();
  assert.equal(await desk.locator("#case-severity").inputValue(), "serious");
  assert.ok(await desk.locator("#case-events li", { hasText: "note" }).count() >= 1);
  await desk.locator("#compensation-step").selectOption("applied");
  await desk.locator("#compensation-amount").fill("200");
  await desk.locator("#compensation button[type=submit]").click();
  await desk.locator("#case-compensation", { hasText: "200" }).waitFor();
  await shot(desk, "case-panel");

  // On a phone: the same page, nothing wider than the screen.
  await desk.setViewportSize({ width: 390, height: 844 });
  await desk.locator("#log").waitFor();
  assert.ok(await desk.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "no sideways scrolling");
  await shot(desk, "phone");
  await desk.setViewportSize({ width: 1280, height: 800 });

  // English, and signing out.
  await desk.locator("#lang").click();
  assert.equal(await desk.locator("#signout").textContent(), "Sign out");
  await desk.locator("#signout").click();
  await desk.locator("#token").waitFor();
  await shot(desk, "signed-out");
  const after = await desk.request.get(`${gateway.url}/api/v1/me`);
  assert.equal(after.status(), 401, "the cookie is worth nothing after signing out");

  assert.deepEqual(unexpected(deskProblems), [], "no console errors or CSP violations in the console");
  assert.deepEqual(chatProblems, [], "none in the chat");
  await staffContext.close();
  await customerContext.close();
});

// Polls `check` (an async predicate) until it holds, for at most `ms`.
async function until(check, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function signIn(context, token) {
  const opened = await open(context, "/console");
  await opened.page.locator("#token").fill(token);
  await opened.page.keyboard.press("Enter");
  await opened.page.locator("#flagged").waitFor();
  return opened;
}

test("a manager changes a rule: edits, tries, regresses, activates; an agent cannot open the editor", async () => {
  const managerToken = JSON.parse(gateway.intakectl(["staff", "add", "--name", "钱经理", "--role", "manager"])).token;
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  const { page, problems } = await signIn(context, managerToken);
  await page.locator("#nav-rules").click();
  await page.locator('#versions li[data-version="1"].active').waitFor();
  const pack = page.locator("#pack");
  assert.match(await pack.inputValue(), /"rules": \[/);
  await shot(page, "rules-editor");

  // A broken pattern is refused inline, with the pointer and RE2's own words.
  await pack.evaluate((el) => {
    el.value = el.value.replace('"rules": [',
                                '"rules": [\n    {"id": "test.leak_major", "target": "severity:major", "pattern": "(漏水"},');
  });
  await page.locator("#editor button[type=submit]").click();
  await page.locator("#pack-error", { hasText: "/rules/0/pattern" }).waitFor();
  assert.match(await page.locator("#pack-error").textContent(), /missing \)/);
  await shot(page, "rules-refused");

  // Fixed: saved as version 2, not in force yet.
  await pack.evaluate((el) => { el.value = el.value.replace('"pattern": "(漏水"', '"pattern": "漏水"'); });
  await page.locator("#version-note").fill("漏水一律按重大处理");
  await page.locator("#editor button[type=submit]").click();
  await page.locator('#versions li[data-version="2"]').waitFor();
  assert.equal(await page.locator('#versions li[data-version="2"].active').count(), 0);

  // Tried under version 2: the matched words are marked and the severity is major.
  await page.locator("#try-text").fill("水泵漏水了，快来修");
  await page.locator("#try-version").selectOption("2");
  await page.locator("#try button[type=submit]").click();
  await page.locator("#try-normalized mark", { hasText: "漏水" }).first().waitFor();
  assert.match(await page.locator("#try-decision").textContent(), /重大/);
  await shot(page, "rules-tried");

  // The regression lists what would change.
  await page.locator('[data-regress="2"]').click();
  await page.locator("#corpus-changes tbody tr").first().waitFor();
  assert.match(await page.locator("#corpus-changes").textContent(), /major/);
  await shot(page, "rules-regression");

  // Activated: the next webhook is classified by version 2.
  await page.locator('[data-activate="2"]').click();
  await page.locator('#versions li[data-version="2"].active').waitFor();
  await shot(page, "rules-activated");
  assert.ok(await until(async () => (await (await page.request.get(`${gateway.url}/readyz`)).json()).checks.rule_version === 2));
  const filed = await page.request.post(`${gateway.url}/webhooks/chat/generic`, {
    data: { message_id: "browser-leak-1", sender: { id: "browser-leak" }, text: "水泵漏水了，快来修" },
  });
  assert.equal(filed.status(), 200);
  assert.equal((await filed.json()).case.severity, "major");
  assert.deepEqual(unexpected(problems), [], "no console errors or CSP violations");

  // An agent sees no rules link, and the editor refuses them.
  const agentContext = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN" });
  const agent = await signIn(agentContext, agentToken);
  assert.equal(await agent.page.locator("#nav-rules").isVisible(), false);
  await agent.page.goto(`${gateway.url}/console#/rules`);
  await agent.page.locator("#rules-forbidden").waitFor();
  await shot(agent.page, "rules-forbidden-to-agents");
  const refused = await agent.page.request.get(`${gateway.url}/api/v1/rules`);
  assert.equal(refused.status(), 403);
  await agentContext.close();
  await context.close();
});

test("cases are searched and filtered, and exported as CSV", async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1280, height: 800 } });
  const { page, problems } = await signIn(context, agentToken);
  await page.locator('#nav a[href="#/cases"]').click();
  const first = page.locator("#cases tbody tr").first();
  await first.waitFor();
  const number = await first.getAttribute("data-case");
  assert.match(number, /^WEB-\d{8}-\d{4}$/);
  await shot(page, "cases");

  await page.locator("#filter-q").fill(number);
  await page.locator("#filter-severity").selectOption("major");
  await page.locator("#case-filters button[type=submit]").click();
  await page.waitForFunction(() => location.hash.includes("severity%3Dmajor"));
  await page.locator("#cases").waitFor();
  const majorRows = await page.locator("#cases tbody tr").count();
  await page.locator("#filter-severity").selectOption("");
  await page.locator("#case-filters button[type=submit]").click();
  await page.locator(`#cases tbody tr[data-case="${number}"]`).waitFor();
  assert.equal(await page.locator("#cases tbody tr").count(), 1, "the number finds its one case");
  assert.ok(majorRows <= 1);
  await shot(page, "cases-found");

  const href = await page.locator("#export").getAttribute("href");
  const csv = await page.request.get(`${gateway.url}${href}`);  // the session cookie goes with it
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()["content-type"], /text\/csv/);
  assert.match(await csv.text(), new RegExp(`^\\uFEFFnumber,status,[^\\n]*\\r\\n${number},`));
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("a supervisor reads the dashboard, drawn by the Chart.js the gateway serves", async () => {
  const supervisorToken = JSON.parse(gateway.intakectl(["staff", "add", "--name", "张主管", "--role", "supervisor"])).token;
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  const { page, problems } = await signIn(context, supervisorToken);
  assert.equal(await page.locator("#nav-rules").isVisible(), false, "rules are for managers");
  await page.locator("#nav-dashboard").click();
  await page.locator("#chart-per-day").waitFor();
  // Chart.js drew into each canvas (it sizes them), and the figures match the API's.
  await page.waitForFunction(() => ["chart-per-day", "chart-rates", "chart-causes"]
    .every((id) => window.Chart?.getChart(document.getElementById(id))));
  const api = await (await page.request.get(`${gateway.url}/api/v1/reports/kpi`)).json();
  assert.equal(await page.locator("#stat-cases strong").textContent(), String(api.cases));
  assert.ok(api.cases >= 2, "the earlier tests filed cases");
  const days = await page.evaluate(() => window.Chart.getChart(document.getElementById("chart-per-day")).data.labels);
  assert.equal(days.length, 30, "every day of the period, quiet ones too");
  assert.ok(days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)), String(days));
  await shot(page, "dashboard");
  await page.locator("#dashboard-period").selectOption("7");
  await page.waitForFunction(() => location.hash === "#/dashboard/7");
  assert.deepEqual(unexpected(problems), [], "no console errors or CSP violations");
  await context.close();
});
