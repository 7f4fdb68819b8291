// Accessibility: axe-core on every page, in Chinese, in English and in elder mode, signed
// in as a role that sees the page, after hydration; and the keyboard: every control on the
// main pages is reached by Tab in document order, has an accessible name, shows where the
// focus is and is not hidden under the tab bar, and the main actions work without a pointer.
//
// A page fails on any axe violation of impact "serious" or "critical"; lesser findings are
// printed as a summary (lines starting with #) without failing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { AxeBuilder } from "@axe-core/playwright";
import {
  BASE_URL,
  DB_PATH,
  LoginPage,
  Phone,
  TIMEOUT,
  account,
  launch,
  queryDb,
  waitForHtmlLang,
  waitHydrated,
} from "./support.js";

const PHONE_SCREEN = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * Languages, set as the cookie the /me switch writes. Elder mode changes nothing but the
 * class on <html> (the shell in app/src/lib.rs; /me also relabels its own switch), so each
 * Chinese page is checked a second time with that class on, without loading it again.
 */
const MODES = [
  { name: "zh", lang: "zh-CN", alsoElder: true },
  { name: "en", lang: "en", alsoElder: false },
];

/** Ids of seeded records in the states whose pages carry the most controls. */
function seededIds() {
  assert.ok(DB_PATH, "DB_PATH is not set (end2end/run.sh sets it)");
  const one = (sql, ...params) => {
    const rows = queryDb(sql, ...params);
    assert.ok(rows.length > 0, `no seeded row for: ${sql}`);
    return rows[0][0];
  };
  const requester = account("resident").phone;
  return {
    // The resident's own order waiting for their confirmation (confirm, rate, dispute).
    awaiting: one(
      `SELECT o.id FROM service_orders o JOIN accounts a ON a.person_id = o.requester_id
        WHERE a.phone = ? AND o.status = 'awaiting_confirmation' ORDER BY o.id`,
      requester,
    ),
    // An open order in the volunteer's micro-grid (接单).
    open: one(
      `SELECT o.id FROM service_orders o JOIN grid_nodes n ON n.id = o.micro_grid_id
        WHERE o.status = 'open' AND n.code = '32060200100100101' ORDER BY o.id`,
    ),
    // 民情 items the grid leader of 幸福锦园网格 works on.
    dispute: one(
      `SELECT s.id FROM sentiment_items s JOIN grid_nodes n ON n.id = s.micro_grid_id
        WHERE s.kind = 'dispute' AND s.stage = 'accepted' AND n.code LIKE '320602001001001%' ORDER BY s.id`,
    ),
    handled: one(
      `SELECT s.id FROM sentiment_items s JOIN grid_nodes n ON n.id = s.micro_grid_id
        WHERE s.kind = 'report' AND s.stage = 'handled' AND n.code LIKE '320602001001001%' ORDER BY s.id`,
    ),
    inspection: one(
      `SELECT s.id FROM sentiment_items s JOIN grid_nodes n ON n.id = s.micro_grid_id
        WHERE s.kind = 'inspection' AND n.code LIKE '320602001001001%'
          AND s.stage NOT IN ('closed', 'voided') ORDER BY s.id`,
    ),
    reported: one(
      `SELECT s.id FROM sentiment_items s JOIN grid_nodes n ON n.id = s.micro_grid_id
        WHERE s.stage = 'reported' AND n.code LIKE '320602001001001%' ORDER BY s.id`,
    ),
    microGrid: one(`SELECT id FROM grid_nodes WHERE code = '32060200100100101'`),
    election: one(`SELECT id FROM star_elections ORDER BY voting_end DESC`),
    // The seeded E网情深: full, with a waiting list.
    activity: one(`SELECT id FROM activities WHERE title LIKE 'E网情深%' ORDER BY id`),
  };
}

/**
 * Every page, as [role, path, status]; role null is an anonymous visitor. A path may be
 * a function of the seeded ids. A page appears once per different view of it, as the role
 * that sees the most (a volunteer's /me and /board hold a resident's and more; staff and
 * residents get different home pages and 民情 forms).
 */
const PAGES = [
  [null, "/", 200],
  [null, "/login", 200],
  [null, "/signup", 200],
  [null, "/welfare", 200],
  [null, "/stars", 200],
  [null, "/me", 200],
  [null, "/board", 401],
  [null, "/no-such-page", 404],
  ["resident", "/", 200],
  ["resident", "/board/new", 200],
  ["resident", (ids) => `/orders/${ids.awaiting}`, 200],
  ["resident", "/feed", 200],
  ["resident", (ids) => `/stars?election=${ids.election}`, 200],
  ["resident", "/sentiment/new", 200],
  ["resident", "/admin", 403],
  ["volunteer", "/board", 200],
  ["volunteer", (ids) => `/orders/${ids.open}`, 200],
  ["volunteer", "/offers", 200],
  ["resident", "/activities", 200],
  ["community-admin", (ids) => `/activities/${ids.activity}`, 200],
  ["community-admin", "/activities/new", 200],
  ["volunteer", "/me", 200],
  ["grid-leader", "/", 200],
  ["grid-leader", "/admin/queue", 200],
  ["grid-leader", "/admin/pairings", 200],
  ["grid-leader", "/sentiment", 200],
  ["grid-leader", "/sentiment/new", 200],
  ["grid-leader", (ids) => `/sentiment/${ids.dispute}`, 200],
  ["grid-leader", (ids) => `/sentiment/${ids.handled}`, 200],
  ["community-admin", "/elders", 200],
  ["community-admin", (ids) => `/sentiment/${ids.inspection}`, 200],
  ["community-admin", (ids) => `/sentiment/${ids.reported}`, 200],
  ["community-admin", "/admin", 200],
  ["community-admin", (ids) => `/admin/grids?node=${ids.microGrid}`, 200],
  ["community-admin", "/admin/elections", 200],
  ["community-admin", "/admin/audit", 200],
  ["community-admin", "/admin/dashboard", 200],
  ["community-admin", "/admin/open311", 200],
  ["community-admin", "/admin/accounts", 200],
];

/** axe-core's minified build: half the parse time of the default source, on every page load. */
const requireHere = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(
  createRequire(requireHere.resolve("@axe-core/playwright")).resolve("axe-core/axe.min.js"),
  "utf8",
);

const FAILING_IMPACTS = new Set(["serious", "critical"]);

let browser;
let ids;
/** Signed-in browser state per role, taken once. */
const signedIn = new Map();
/** Findings below the failing impacts: "rule (impact)" -> set of pages. */
const lesser = new Map();

before(async () => {
  browser = await launch();
  ids = seededIds();
  const roles = [...new Set(PAGES.map(([role]) => role).filter(Boolean)), "resident"];
  for (const role of roles) {
    const context = await browser.newContext({ baseURL: BASE_URL, ...PHONE_SCREEN, locale: "zh-CN" });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    await new LoginPage(new Phone(context, page, true)).signIn(account(role).phone);
    signedIn.set(role, await context.storageState());
    await context.close();
  }
});

after(async () => {
  if (lesser.size > 0) {
    console.log("# axe findings below serious (not failing):");
    for (const [rule, pages] of [...lesser].sort()) {
      console.log(`#   ${rule}: ${pages.size} page(s), e.g. ${[...pages].slice(0, 3).join(", ")}`);
    }
  }
  await browser?.close();
});

/** A phone-sized browser context for `role` (null: anonymous) in `mode`. */
async function contextFor(role, mode) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    ...PHONE_SCREEN,
    locale: mode.lang,
    storageState: role ? signedIn.get(role) : undefined,
  });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(2 * TIMEOUT);
  await context.addCookies([
    { name: "gs_lang", value: mode.lang, url: BASE_URL },
    { name: "gs_elder", value: "0", url: BASE_URL },
  ]);
  return context;
}

/** A new page in `context`, as a Phone (it collects page and console errors). */
async function phoneIn(context) {
  return new Phone(context, await context.newPage(), true);
}

/**
 * Waits until the page has not changed for `quiet` ms (at most `timeout`): after
 * hydration the live channel connects and resources refetch, which redraws lists.
 */
async function settle(page, { quiet = 150, timeout = 3_000 } = {}) {
  await page.evaluate(
    ({ quiet, timeout }) =>
      new Promise((resolve) => {
        let timer;
        const done = () => {
          observer.disconnect();
          clearTimeout(cap);
          resolve();
        };
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, quiet);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        timer = setTimeout(done, quiet);
        const cap = setTimeout(done, timeout);
      }),
    { quiet, timeout },
  );
}

/** Loads `path`, waits for hydration and a quiet page, and asserts the status. */
async function open(phone, path, status = 200) {
  const failed = [];
  const onFailed = (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`);
  phone.page.on("requestfailed", onFailed);
  let response;
  try {
    response = await phone.goto(path);
  } catch (error) {
    const errors = phone.errors.map((e) => `${e.kind}: ${e.text}`);
    const detail = `errors: ${JSON.stringify(errors)}\nfailed requests: ${JSON.stringify(failed)}`;
    throw new Error(`${path}: ${error.message}\n${detail}`, { cause: error });
  } finally {
    phone.page.off("requestfailed", onFailed);
  }
  assert.equal(response.status(), status, `status of ${path}`);
  await settle(phone.page);
}

/** One line per failing node: rule, impact, the element, the page and what is wrong. */
function describeViolations(violations, where) {
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.join(" > ")} on ${where}: ${v.help}`),
  );
}

const pathLabel = (pathOf) =>
  typeof pathOf === "function" ? pathOf.toString().replace(/^.*`(.*)`.*$/s, "$1") : pathOf;

/** PAGES reordered to take the roles in turn, so that pages running side by side mostly belong to different roles. */
function rolesInTurn(pages) {
  const byRole = new Map();
  for (const entry of pages) {
    if (!byRole.has(entry[0])) byRole.set(entry[0], []);
    byRole.get(entry[0]).push(entry);
  }
  const queues = [...byRole.values()];
  const out = [];
  while (out.length < pages.length) {
    for (const queue of queues) if (queue.length > 0) out.push(queue.shift());
  }
  return out;
}

/**
 * Runs `fn` when no other call for the same `key` is running. Pages of one browser context
 * share its six connections per host, and every hydrated page holds one open for live
 * updates, so one page per context at a time.
 */
function oneAtATime() {
  const tails = new Map();
  return async (key, fn) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    tails.set(key, run.catch(() => {}));
    return run;
  };
}

/**
 * Runs axe on the page as it is; returns the serious and critical findings as lines and
 * notes the lesser ones for the summary. `again`: axe is already in the page, run it as is.
 */
async function axeFindings(page, where, { again = false } = {}) {
  // Legacy mode runs axe.run() in the page itself (the app has no frames), instead of
  // finishing the run in a second blank page: half the time per page.
  const results = again
    ? await page.evaluate(() => window.axe.run(document))
    : await new AxeBuilder({ page, axeSource: AXE_SOURCE }).setLegacyMode(true).analyze();
  for (const v of results.violations.filter((v) => !FAILING_IMPACTS.has(v.impact))) {
    const key = `${v.id} (${v.impact})`;
    if (!lesser.has(key)) lesser.set(key, new Set());
    lesser.get(key).add(where);
  }
  return describeViolations(
    results.violations.filter((v) => FAILING_IMPACTS.has(v.impact)),
    where,
  );
}

for (const mode of MODES) {
  const modes = mode.alsoElder ? `${mode.name} and ${mode.name} elder` : mode.name;
  // Three pages at a time, of different roles (one browser context per role).
  describe(`axe, ${modes}`, { concurrency: 3 }, () => {
    const contexts = new Map();
    const context = (role) => {
      if (!contexts.has(role)) contexts.set(role, contextFor(role, mode));
      return contexts.get(role);
    };
    const perRole = oneAtATime();
    after(async () => {
      for (const c of contexts.values()) await (await c).close();
    });

    for (const [role, pathOf, status] of rolesInTurn(PAGES)) {
      const name = `${modes}: ${role ?? "visitor"} on ${pathLabel(pathOf)} has no serious or critical axe violations`;
      test(name, () =>
        perRole(role, async () => {
          const phone = await phoneIn(await context(role));
          const { page } = phone;
          try {
            const path = typeof pathOf === "function" ? pathOf(ids) : pathOf;
            const who = role ?? "visitor";
            await open(phone, path, status);
            const shown = await page.evaluate(() => ({
              lang: document.documentElement.lang,
              elder: document.documentElement.classList.contains("elder"),
              fontSize: parseFloat(getComputedStyle(document.body).fontSize),
            }));
            assert.deepEqual(
              { lang: shown.lang, elder: shown.elder },
              { lang: mode.lang, elder: false },
              `language and elder mode of ${path}`,
            );
            const failing = await axeFindings(page, `${path} (${mode.name}, ${who})`);

            if (mode.alsoElder) {
              await page.evaluate(() => document.documentElement.classList.add("elder"));
              const elderFont = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
              assert.ok(elderFont > shown.fontSize, `elder mode enlarges the text of ${path}`);
              failing.push(...(await axeFindings(page, `${path} (${mode.name} elder, ${who})`, { again: true })));
            }
            assert.deepEqual(failing, [], `axe violations:\n${failing.join("\n")}`);
            phone.assertNoErrors({ expectedStatuses: status === 200 ? [] : [status] });
          } finally {
            await page.close();
          }
        }),
      );
    }
  });
}

// ---------------------------------------------------------------------------
// Keyboard

/**
 * In the page: the elements Tab should reach, in document order. A radio group is one
 * stop (its checked radio, else its first). Computed afresh each time, because live
 * updates may redraw a list between two key presses.
 */
function installTabStops() {
  window.__tabStops = () => {
    const selector =
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex], " +
      "[contenteditable=''], [contenteditable=true]";
    const stops = [];
    const groups = new Set();
    for (const el of document.querySelectorAll(selector)) {
      if (el.tabIndex < 0 || el.disabled || el.closest("[inert]")) continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      if (el.tagName !== "SUMMARY" && el.closest("details:not([open])")) continue;
      if (el.type === "radio") {
        const radios = [...(el.form ?? document).querySelectorAll("input[type=radio]")].filter(
          (r) => r.name === el.name && r.form === el.form,
        );
        if (groups.has(radios[0])) continue;
        groups.add(radios[0]);
        stops.push(radios.find((r) => r.checked) ?? radios[0]);
        continue;
      }
      stops.push(el);
    }
    return stops;
  };
  window.__focused = () => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    let vnode = window.axe.utils.getNodeFromTree(el);
    if (!vnode) {
      // A live update redrew this part of the page since axe built its tree.
      window.axe.teardown();
      window.axe.setup(document);
      vnode = window.axe.utils.getNodeFromTree(el);
    }
    const name = vnode ? window.axe.commons.text.accessibleTextVirtual(vnode).trim() : "";
    const style = getComputedStyle(el);
    const indicator =
      (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
    const box = el.getBoundingClientRect();
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 12), 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    const covered = !(hit && (hit === el || el.contains(hit) || hit.contains(el) || hit.control === el));
    const describe = `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${
      el.getAttribute("name") ? ` name=${el.getAttribute("name")}` : ""
    }> "${(el.textContent ?? "").trim().slice(0, 30)}"`;
    const stop = window.__tabStops().indexOf(el);
    return {
      stop: stop < 0 ? null : stop,
      name,
      indicator,
      covered: covered ? `${describe} is under <${hit?.tagName.toLowerCase()} class="${hit?.className}">` : null,
      describe,
    };
  };
}

/** Injects axe (for its accessible-name computation) and the helpers above into the page. */
async function prepareKeyboard(page) {
  await page.evaluate(AXE_SOURCE);
  await page.evaluate(() => window.axe.setup(document));
  await page.evaluate(installTabStops);
}

/**
 * Tabs from the top of the page through every control and back out, asserting each is
 * reached in document order, has an accessible name, shows a focus indicator and is not
 * hidden under the fixed tab bar.
 */
async function tabWalk(page, where) {
  await prepareKeyboard(page);
  const count = await page.evaluate(() => window.__tabStops().length);
  assert.ok(count > 0, `no focusable elements on ${where}`);
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  const reached = [];
  const problems = [];
  // A date-time input takes one Tab per field (year, month, day, hour, minute).
  for (let i = 0; i < 6 * count + 2; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => window.__focused());
    if (!info) break; // focus left the document
    if (info.stop === null) {
      problems.push(`${info.describe} takes focus but is not a visible control`);
      continue;
    }
    if (info.stop === reached.at(-1)) continue; // the next field of the same input
    if (reached.includes(info.stop)) break; // wrapped around
    reached.push(info.stop);
    if (!info.name) problems.push(`${info.describe} has no accessible name`);
    if (!info.indicator) problems.push(`${info.describe} shows no focus indicator`);
    if (info.covered) problems.push(info.covered);
  }
  await page.evaluate(() => window.axe.teardown());
  const expected = Array.from({ length: count }, (_, i) => i);
  assert.deepEqual(reached, expected, `Tab order on ${where} (indices of controls in document order)`);
  assert.deepEqual(problems, [], `keyboard problems on ${where}`);
}

/** Presses Tab until the focused element's accessible name is `name`; fails after `limit` presses. */
async function tabTo(page, name, limit = 60) {
  await prepareKeyboard(page);
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => window.__focused());
    if (info?.name === name) return info;
  }
  assert.fail(`Tab never reached a control named ${name}`);
}

const KEYBOARD_PAGES = [
  [null, "/login"],
  [null, "/welfare"],
  ["resident", "/"],
  ["resident", "/board"],
  ["resident", "/board/new"],
  ["resident", "/me"],
  ["resident", "/sentiment/new"],
  ["resident", (ids) => `/orders/${ids.awaiting}`],
  ["volunteer", (ids) => `/orders/${ids.open}`],
  ["grid-leader", "/admin/queue"],
  ["grid-leader", (ids) => `/sentiment/${ids.dispute}`],
];

describe("keyboard", { concurrency: 2 }, () => {
  for (const [role, pathOf] of KEYBOARD_PAGES) {
    const who = role ?? "visitor";
    test(`every control on ${pathLabel(pathOf)} (${who}) is reached by Tab in order and named`, async () => {
      const context = await contextFor(role, MODES[0]);
      try {
        const phone = await phoneIn(context);
        const path = typeof pathOf === "function" ? pathOf(ids) : pathOf;
        await open(phone, path);
        await tabWalk(phone.page, `${path} as ${who}`);
        phone.assertNoErrors();
      } finally {
        await context.close();
      }
    });
  }
});

// After the walks: placing an order sends a live update that redraws other open pages.
describe("keyboard only", () => {
  test("a resident places an order and cancels it with the keyboard only", async () => {
    const context = await contextFor("resident", MODES[0]);
    try {
      const phone = await phoneIn(context);
      const { page } = phone;
      await open(phone, "/board/new");
      const title = `键盘下单 ${Date.now()}`;
      await tabTo(page, "服务板块");
      await page.keyboard.press("ArrowDown");
      await tabTo(page, "标题");
      await page.keyboard.type(title);
      await tabTo(page, "详细说明");
      await page.keyboard.type("只用键盘填写的需求");
      await tabTo(page, "提交");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => /^\/orders\/\d+$/.test(url.pathname));
      await waitHydrated(page);
      await page.getByRole("heading", { level: 1, name: title }).waitFor();
      await page.getByRole("status").filter({ hasText: "待接单" }).waitFor();
      await settle(page);

      // Cancel it again (so the board stays as seeded): open the sheet, then its button.
      await tabTo(page, "取消需求");
      await page.keyboard.press("Enter");
      await tabTo(page, "取消需求");
      await page.keyboard.press("Enter");
      await page.getByRole("status").filter({ hasText: "已取消" }).waitFor();
      phone.assertNoErrors();
    } finally {
      await context.close();
    }
  });

  test("the language switch on /me works with the keyboard only", async () => {
    const context = await contextFor("resident", MODES[0]);
    try {
      const phone = await phoneIn(context);
      const { page } = phone;
      await open(phone, "/me");
      await tabTo(page, "English");
      await page.keyboard.press("Enter");
      await waitForHtmlLang(page, "en");
      await waitHydrated(page);
      await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();

      await settle(page);
      await tabTo(page, "中文");
      await page.keyboard.press("Space");
      await waitForHtmlLang(page, "zh-CN");
      await waitHydrated(page);
      await page.getByRole("heading", { name: "设置", exact: true }).waitFor();
      phone.assertNoErrors();
    } finally {
      // The choice is also stored on the account: put Chinese back for the other tests.
      const page = context.pages()[0];
      if (page && (await page.evaluate(() => document.documentElement.lang).catch(() => "")) === "en") {
        await page.getByRole("button", { name: "中文", exact: true }).click();
        await waitForHtmlLang(page, "zh-CN");
      }
      await context.close();
    }
  });
});
