// Shared helpers for the end-to-end suite: Debian's Chromium driven by playwright-core.
//
// Environment (end2end/run.sh sets the first two):
//   BASE_URL       server under test, default http://127.0.0.1:3000
//   DB_PATH        its SQLite file, for tests that look at the database
//   CHROMIUM_PATH  default /usr/bin/chromium
//   SCREENSHOT_DIR default end2end/screenshots
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
export const DB_PATH = process.env.DB_PATH;
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.resolve(here, "../screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const TIMEOUT = 15_000;
const HYDRATION_TIMEOUT = 30_000;

export const DEMO_PASSWORD = "gridstation";

/** The seeded demo accounts, one per role. */
export const DEMO_ACCOUNTS = [
  { role: "resident", phone: "13800000001", label: "居民", staff: false },
  { role: "volunteer", phone: "13800000002", label: "志愿者", staff: false },
  { role: "micro-grid-member", phone: "13800000006", label: "微网格员", staff: true },
  { role: "grid-leader", phone: "13800000003", label: "网格长", staff: true },
  { role: "community-admin", phone: "13800000004", label: "社区管理员", staff: true },
  { role: "subdistrict-admin", phone: "13800000005", label: "街道管理员", staff: true },
];

export const account = (role) => {
  const found = DEMO_ACCOUNTS.find((a) => a.role === role);
  assert.ok(found, `no demo account with role ${role}`);
  return found;
};

/** Tab bar, per language: the navigation's accessible name and its links in order. */
export const TAB_BAR = {
  zh: { name: "主导航", tabs: ["首页", "需求大厅", "志愿之星", "我的"], admin: "管理" },
  en: { name: "Main navigation", tabs: ["Home", "Board", "Stars", "Me"], admin: "Admin" },
};

// ---------------------------------------------------------------------------
// Polling

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it returns a truthy value, and returns that value.
 * Errors thrown by `probe` (such as "execution context was destroyed" while a form
 * submission navigates) count as "not yet". Fails after `timeout` ms with `what`.
 */
export async function poll(what, probe, { timeout = TIMEOUT, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    }
    await pause(interval);
  }
}

/** Waits until `url` answers 200 (cargo leptos end-to-end starts the tests before the server). */
export async function waitForServer(url = `${BASE_URL}/healthz`, timeout = 60_000) {
  await poll(`${url} to answer 200`, async () => (await fetch(url)).ok, { timeout, interval: 250 });
}

// ---------------------------------------------------------------------------
// Browser and phones

/** Chromium's flags for a headless run as root (also used by ../bytes.js). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launch() {
  await waitForServer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Waits until the app has hydrated (it sets <body data-hydrated="true"> afterwards). */
export async function waitHydrated(page) {
  await page.waitForFunction(() => document.body?.dataset.hydrated === "true", null, {
    timeout: HYDRATION_TIMEOUT,
  });
}

/**
 * A fresh browser context sized like a phone, with one page.
 * Collects every page error and console error in `phone.errors`.
 * With JavaScript enabled, `goto` and `reload` also wait for hydration.
 */
export async function newPhone(browser, { javaScriptEnabled = true, desktop = false } = {}) {
  const screen = desktop
    ? { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false }
    : { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
  const context = await browser.newContext({
    baseURL: BASE_URL,
    ...screen,
    locale: "zh-CN",
    javaScriptEnabled,
  });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(HYDRATION_TIMEOUT);
  const page = await context.newPage();
  return new Phone(context, page, javaScriptEnabled);
}

export class Phone {
  constructor(context, page, js) {
    this.context = context;
    this.page = page;
    this.js = js;
    this.errors = [];
    page.on("pageerror", (error) => {
      this.errors.push({ kind: "pageerror", text: String(error), url: page.url() });
    });
    page.on("console", (message) => {
      if (message.type() === "error") {
        this.errors.push({ kind: "console.error", text: message.text(), url: message.location().url });
      }
    });
  }

  get mode() {
    return this.js ? "js" : "nojs";
  }

  /** Loads `path` and, with JavaScript, waits for hydration. Returns the HTTP response. */
  async goto(path) {
    const response = await this.page.goto(path);
    if (this.js) await waitHydrated(this.page);
    return response;
  }

  async reload() {
    const response = await this.page.reload();
    if (this.js) await waitHydrated(this.page);
    return response;
  }

  pathname() {
    return new URL(this.page.url()).pathname;
  }

  async screenshot(name) {
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  /**
   * Asserts that nothing went to the console or threw. `expectedStatuses` lists HTTP
   * error statuses the test itself provoked for a document (Chromium logs "Failed to load
   * resource: ... status of 404" for those); exactly those entries are allowed.
   */
  assertNoErrors({ expectedStatuses = [] } = {}) {
    const unexpected = this.errors.filter(
      (e) =>
        !(
          e.kind === "console.error" &&
          expectedStatuses.some((s) => e.text.includes(`the server responded with a status of ${s}`))
        ),
    );
    assert.deepEqual(
      unexpected.map((e) => `${e.kind}: ${e.text} (${e.url})`),
      [],
      `page errors or console errors (${this.mode})`,
    );
  }

  async close() {
    await this.context.close();
  }
}

// ---------------------------------------------------------------------------
// Page objects and small UI helpers

export class LoginPage {
  constructor(phone) {
    this.phone = phone;
    this.page = phone.page;
  }

  async open() {
    await this.phone.goto("/login");
  }

  /** Fills and submits the form without waiting for the outcome. */
  async submit(phone, password) {
    await this.open();
    await this.page.getByLabel("手机号", { exact: true }).fill(phone);
    await this.page.getByLabel("密码", { exact: true }).fill(password);
    await this.page.getByRole("button", { name: "登录", exact: true }).click();
  }

  /** Signs in and waits to land on `/`. */
  async signIn(phone, password = DEMO_PASSWORD) {
    await this.submit(phone, password);
    await this.page.waitForURL((url) => url.pathname === "/");
    if (this.phone.js) await waitHydrated(this.page);
  }
}

/** A new phone of `browser`, signed in as `number`. */
export async function signedInPhone(browser, number, options = {}) {
  const phone = await newPhone(browser, options);
  await new LoginPage(phone).signIn(number);
  return phone;
}

/** Signs `phone` in as the demo account with `role`. */
export async function signInAs(phone, role) {
  await new LoginPage(phone).signIn(account(role).phone);
}

export const mainNav = (page, lang = "zh") =>
  page.getByRole("navigation", { name: TAB_BAR[lang].name, exact: true });

/** Asserts the tab bar holds exactly the expected links (plus the admin tab for staff). */
export async function expectTabs(page, { lang = "zh", staff = false } = {}) {
  const bar = TAB_BAR[lang];
  const nav = mainNav(page, lang);
  await nav.waitFor();
  const expected = staff ? [...bar.tabs, bar.admin] : bar.tabs;
  for (const name of expected) {
    await nav.getByRole("link", { name, exact: true }).waitFor();
  }
  const shown = await nav.getByRole("link").allInnerTexts();
  assert.equal(
    await nav.getByRole("link", { name: bar.admin, exact: true }).count(),
    staff ? 1 : 0,
    `admin tab ${staff ? "missing" : "shown to non-staff"}; tab bar shows ${JSON.stringify(shown)}`,
  );
  assert.equal(shown.length, expected.length, `tab bar shows ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`);
}

/** Waits for `<html lang>` to become `lang` (a form post may be reloading the page). */
export async function waitForHtmlLang(page, lang) {
  await poll(`<html lang="${lang}">`, async () =>
    (await page.evaluate(() => document.documentElement.lang)) === lang,
  );
}

/** Whether the elder class is on <html>, and the computed font size of <body> in px. */
export async function elderState(page) {
  return page.evaluate(() => ({
    elder: document.documentElement.classList.contains("elder"),
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
  }));
}

/** Runs SQL against the server's SQLite file (python3's sqlite3; node 20 has none). */
/** Runs one writing statement against the server's database and commits it (to put a
 * fixture in a state the UI cannot reach in a test's time, such as an activity under way). */
export function changeDb(sql, ...params) {
  assert.ok(DB_PATH, "DB_PATH is not set (end2end/run.sh sets it)");
  execFileSync("python3", [
    "-c",
    "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=10); " +
      "c.execute(sys.argv[2], json.loads(sys.argv[3])); c.commit()",
    DB_PATH,
    sql,
    JSON.stringify(params),
  ]);
}

export function queryDb(sql, ...params) {
  assert.ok(DB_PATH, "DB_PATH is not set (end2end/run.sh sets it)");
  const out = execFileSync("python3", [
    "-c",
    "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); " +
      "print(json.dumps(c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))",
    DB_PATH,
    sql,
    JSON.stringify(params),
  ]);
  return JSON.parse(out.toString());
}
