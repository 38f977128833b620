// The customer's web chat (/chat) in a real browser against the real gateway: the page
// loads under its Content-Security-Policy without a single violation, a message is
// acknowledged with a case number and answered, a reload shows the same conversation once,
// and a second tab of the same customer is pushed each new message live.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshotter, startGateway } from "./support.mjs";

let gateway;
let browser;
const shot = screenshotter("web_chat");

before(async () => {
  gateway = await startGateway({ env: { INTAKE_CHAT_WEB_SECRET: "browser-test-web-chat-key-0123456789" } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (gateway) assert.equal(await gateway.stop(), 0, "the gateway stops cleanly");
});

// A page that records every console error and CSP violation.
async function openChat(context) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${gateway.url}/chat`);
  await page.locator('#status[data-state="online"]').waitFor();
  return { page, problems };
}

const bubbles = (page, from) => page.locator(`#log .bubble[data-from="${from}"][data-seq]`);

test("a customer files a complaint, keeps the conversation across a reload and sees it live in a second tab", async () => {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 420, height: 760 },
  });
  const { page, problems } = await openChat(context);
  await shot(page, "empty-chat");

  const complaint = "你们的水泵漏水了，订单号 2026112301，请尽快处理";
  await page.locator("#text").fill(complaint);
  await page.keyboard.press("Enter");

  await bubbles(page, "bot").first().waitFor();
  await page.locator("#case:not([hidden])").waitFor();
  const caseText = await page.locator("#case").textContent();
  const number = caseText.match(/WEB-\d{8}-\d{4}/)?.[0];
  assert.ok(number, `the case number is shown: ${caseText}`);
  assert.equal(await bubbles(page, "customer").count(), 1);
  assert.equal(await bubbles(page, "customer").first().locator("span").textContent(), complaint);
  assert.match(await bubbles(page, "bot").first().textContent(), new RegExp(number));
  assert.equal(await page.locator('#log [data-state="sending"]').count(), 0, "nothing left unacknowledged");
  await shot(page, "complaint-acknowledged");

  // A reload: the same conversation, each message once.
  const before = await page.locator("#log .bubble").count();
  await page.reload();
  await page.locator('#status[data-state="online"]').waitFor();
  await page.locator("#log .bubble").nth(before - 1).waitFor();
  assert.equal(await page.locator("#log .bubble").count(), before);
  assert.equal(await bubbles(page, "customer").first().locator("span").textContent(), complaint);
  await shot(page, "after-reload");

  // A second tab of the same customer; its message reaches the first tab without a reload.
  const second = await openChat(context);
  await page.locator("#log .bubble").nth(before - 1).waitFor();
  const followUp = "补充一下：漏水的是2号泵，联系电话 13812345678";
  await second.page.locator("#text").fill(followUp);
  await second.page.locator("#send").click();
  await page.locator("#log .bubble[data-from=customer] span", { hasText: "2号泵" }).waitFor();
  await shot(page, "pushed-to-first-tab");
  await shot(second.page, "second-tab");

  const seqs = await page.locator("#log .bubble[data-seq]").evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "in order");
  assert.equal(new Set(seqs).size, seqs.length, "each message once");

  assert.deepEqual(problems, [], "no console errors or CSP violations in the first tab");
  assert.deepEqual(second.problems, [], "none in the second tab");
  await context.close();
});

test("the page speaks English to an English browser and refuses an over-long message", async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-GB" });
  const { page, problems } = await openChat(context);
  assert.equal(await page.locator("#send").textContent(), "Send");
  await page.locator("#text").evaluate((el, text) => { el.value = text; }, "漏".repeat(1400));  // 4,200 bytes
  await page.locator("#send").click();
  assert.equal(await page.locator("#log .bubble").count(), 0, "not sent");
  assert.match(await page.locator("#text").evaluate((el) => el.validationMessage), /too long/);
  await shot(page, "english-too-long");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a message the page could not deliver is sent after the reload, and filed once however often it is resent", async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  // As if the tab had been closed before the gateway acknowledged the message.
  const unsent = { id: "typed-offline-1", text: "快递送来的胶水包装破损了，批号 B20261120" };
  await context.addInitScript((message) => {
    if (!localStorage.getItem("intake.webchat.v1"))
      localStorage.setItem("intake.webchat.v1", JSON.stringify({ token: null, customer: null, pending: [message] }));
  }, unsent);
  const { page, problems } = await openChat(context);
  const delivered = page.locator(`#log .bubble[data-id="${unsent.id}"][data-seq]`);
  await delivered.waitFor();
  await bubbles(page, "bot").first().waitFor();
  assert.equal(await page.locator('#log [data-state="sending"]').count(), 0);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("intake.webchat.v1")));
  assert.deepEqual(stored.pending, [], "acknowledged, so no longer kept for resending");
  const count = await page.locator("#log .bubble").count();
  assert.equal(await bubbles(page, "customer").count(), 1);

  // The same message is resent (its acknowledgement was lost, say): nothing new appears.
  await page.evaluate((message) => {
    const saved = JSON.parse(localStorage.getItem("intake.webchat.v1"));
    localStorage.setItem("intake.webchat.v1", JSON.stringify({ ...saved, pending: [message] }));
  }, unsent);
  await page.reload();
  await page.locator('#status[data-state="online"]').waitFor();
  await page.locator("#log .bubble[data-seq]").nth(count - 1).waitFor();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem("intake.webchat.v1")).pending.length === 0);
  // A message sent now is shown after anything a second filing would have added.
  const customerBefore = await bubbles(page, "customer").count();
  await page.locator("#text").fill("另外，什么时候能换货？");
  await page.keyboard.press("Enter");
  await page.locator("#log .bubble[data-from=customer][data-seq] span", { hasText: "换货" }).waitFor();
  assert.equal(await page.locator(`#log .bubble[data-id="${unsent.id}"]`).count(), 1, "shown once");
  assert.equal(await bubbles(page, "customer").count(), customerBefore + 1, "nothing filed twice");
  await shot(page, "resent-once");
  assert.deepEqual(problems, []);
  await context.close();
});
