// What the browser tests share: the real gateway (embedded PostgreSQL under a temporary
// folder, a free port), Debian's Chromium with the flags this machine needs, and a place
// for screenshots.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (ctest sets it; see tests/CMakeLists.txt)`);
  return value;
};

// Starts intake-gateway and resolves once it prints "listening on https://…".
export async function startGateway({ env = {}, config = {} } = {}) {
  const source = required("INTAKE_SOURCE_DIR");
  const dir = mkdtempSync(path.join(tmpdir(), "intake-browser-"));
  chmodSync(dir, 0o755);  // as root, the embedded PostgreSQL runs as "postgres" and must reach its folder
  const configPath = path.join(dir, "gateway.json");
  writeFileSync(configPath, JSON.stringify({
    listen: "127.0.0.1:0",
    case_number_prefix: "WEB",
    rules: path.join(source, "config/rules/default.json"),
    sla: path.join(source, "config/sla.json"),
    calendar: path.join(source, "config/calendar"),
    corpus: path.join(source, "config/corpus/regression.jsonl"),
    store: { connections: 2 },
    ...config,
  }));
  const child = spawn(required("INTAKE_GATEWAY_BINARY"), ["--config", configPath, "--data-dir", path.join(dir, "var")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk) => { log += chunk; });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the gateway did not start within 90 s:\n${log}`)), 90_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (https:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the gateway exited (${code}):\n${log}`)); });
  });
  return {
    url,
    log: () => log,
    // Runs intakectl on this gateway's database (embedded, beside the running gateway)
    // and answers its standard output.
    intakectl(args) {
      return execFileSync(required("INTAKECTL_BINARY"), ["--config", configPath, "--data-dir", path.join(dir, "var"), ...args],
                          { encoding: "utf8" });
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
      child.kill("SIGTERM");
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

// Debian's Chromium (never a downloaded one), headless, with background networking off:
// this machine's closed network refuses those connections.
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.INTAKE_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
}

// Screenshots of each step, kept as test artifacts.
export function screenshotter(name) {
  const dir = path.join(process.env.INTAKE_ARTIFACTS_DIR || path.join(tmpdir(), "intake-artifacts"), name);
  rmSync(dir, { recursive: true, force: true });  // only this run's steps, so none is mistaken for another's
  mkdirSync(dir, { recursive: true });
  let step = 0;
  return async (page, what) => {
    step += 1;
    const file = path.join(dir, `${String(step).padStart(2, "0")}-${what}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}
