// Memory of an open page over time: does the JS heap, the DOM and the WebAssembly memory of
// a phone that keeps /board open stay bounded while the board takes 2,000 live events, and
// how much is left behind each time a tab swaps <main> in place (app/src/nav.rs)?
// A benchmark against a running release server: it prints numbers and never judges them.
//
//   node end2end/memory.js [--db FILE] [--events N] [--swaps N] [--snapshots] [--json FILE] BASE_URL
//
//   --db FILE     the server's SQLite file (default: $SERVER_DB, then $DB_PATH), read once to
//                 find the residents of 祖望社区 who post the orders
//   --events N    live events for the board, an even number (default 2000)
//   --swaps N     tab swaps (default 200)
//   --snapshots   also takes a V8 heap snapshot before and after each phase and prints what
//                 grew, by kind, and what holds the detached DOM nodes (a few seconds each)
//   --json FILE   writes every sample to FILE
//
// The phone is volunteer 13800000002 (祖望社区) on a phone-sized context. Each sample is
// taken after forcing a full garbage collection, through a CDP session of that page only:
//   Runtime.getHeapUsage   usedSize / totalSize of the V8 heap; embedderHeapUsedSize (Blink's
//                          Oilpan heap: DOM objects) and backingStorageSize (ArrayBuffer
//                          backing stores and external strings)
//   Memory.getDOMCounters  DOM nodes alive (attached or not), JS event listeners, documents
//   WebAssembly memory     the byteLength of the app's linear memory, read from the page's own
//                          wasm-bindgen module (no hook in the app needed). It is the Rust
//                          allocator's high-water mark: it never shrinks, and how much of it is
//                          in use cannot be seen from outside. backingStorageSize does not
//                          include it (measured: 0.27 MB backing store beside 1.3 MB of WASM).
//   externrefs             live slots of wasm-bindgen's externref table: the JS values (DOM
//                          nodes, closures) that Rust holds, which no JS garbage collection frees.
// The events come from signed-in resident request contexts (no page of theirs), through the
// server functions the 我需要 and 取消 forms post to: each place and each cancel is one board
// frame. Exits 1 only when something does not work (a refused request, a board that does not
// follow, a swap that became a page load), never because of a number.
import { chromium, request as apiRequest } from "playwright-core";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { CHROMIUM_ARGS, DEMO_PASSWORD, TAB_BAR } from "./tests/support.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const VOLUNTEER = "13800000002";
const COMMUNITY = "祖望社区";
// The demo residents are 13800001000–13800001071; only those of the volunteer's community
// reach its board.
const RESIDENT_PHONES = ["13800001000", "13800001071"];
const MAX_RESIDENTS = 8;

const TIMEOUT_MS = 30_000;
const QUIET_MS = 150;

// The tabs in the order they are clicked, each with what shows its page is there.
const TABS = [
  { name: "首页", path: "/", ready: (page) => page.locator("header.hero h1") },
  { name: "需求大厅", path: "/board", ready: (page) => page.getByRole("heading", { name: "需求大厅", exact: true }) },
  { name: "志愿之星", path: "/stars", ready: (page) => page.getByRole("heading", { name: "志愿服务之星", exact: true }) },
  { name: "我的", path: "/me", ready: (page) => page.getByRole("heading", { name: "修改密码", exact: true }) },
];

// ---------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { db: null, events: 2000, swaps: 200, snapshots: false, json: null, base: null };
  const number = (value, what) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) usage(2, `${what} takes a whole number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--db") opts.db = argv[++i];
    else if (arg === "--events") opts.events = number(argv[++i], "--events");
    else if (arg === "--swaps") opts.swaps = number(argv[++i], "--swaps");
    else if (arg === "--snapshots") opts.snapshots = true;
    else if (arg === "--json") opts.json = argv[++i];
    else if (arg === "--help" || arg === "-h") usage(0);
    else if (arg.startsWith("-")) usage(2, `unknown option ${arg}`);
    else if (opts.base === null) opts.base = arg;
    else usage(2, `unexpected argument ${arg}`);
  }
  opts.base = (opts.base ?? process.env.BASE_URL ?? "").replace(/\/$/, "");
  opts.db = opts.db ?? process.env.SERVER_DB ?? process.env.DB_PATH ?? null;
  if (!opts.base) usage(2, "give the base URL of a running release server");
  if (!opts.db) usage(2, "give the server's database with --db (or SERVER_DB): it names the residents who post");
  if (opts.events % 2) usage(2, "--events must be even: each order gives two events, placed and cancelled");
  if (opts.json === undefined) usage(2, "--json takes a file");
  return opts;
}

function usage(status, problem) {
  if (problem) console.error(`memory.js: ${problem}`);
  console.error("usage: node end2end/memory.js [--db FILE] [--events N] [--swaps N] [--snapshots] [--json FILE] BASE_URL");
  process.exit(status);
}

/** A functional failure: the measurement would mean nothing. */
class Broken extends Error {}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, probe, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Broken(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    await pause(50);
  }
}

// ---------------------------------------------------------------------------
// The people: residents from the database, sessions through the login server function

/** Phones of the residents of COMMUNITY, by walking each one's micro-grid up to its community. */
function communityResidents(db) {
  const sql = `
    WITH RECURSIVE up(person, node) AS (
      SELECT p.id, p.micro_grid_id FROM people p WHERE p.micro_grid_id IS NOT NULL
      UNION ALL
      SELECT up.person, g.parent_id FROM up JOIN grid_nodes g ON g.id = up.node WHERE g.parent_id IS NOT NULL
    )
    SELECT a.phone FROM accounts a
      JOIN up ON up.person = a.person_id
      JOIN grid_nodes c ON c.id = up.node AND c.level = 'community' AND c.name = ?
    WHERE a.disabled_at IS NULL AND a.phone BETWEEN ? AND ?
    ORDER BY a.phone`;
  // python3's sqlite3, as end2end/tests/support.js does: node 20 has none.
  const out = execFileSync("python3", [
    "-c",
    "import json, sqlite3, sys; c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True); " +
      "print(json.dumps([r[0] for r in c.execute(sys.argv[2], json.loads(sys.argv[3]))]))",
    db,
    sql,
    JSON.stringify([COMMUNITY, ...RESIDENT_PHONES]),
  ]);
  return JSON.parse(out.toString());
}

/** The form server functions read, posted from `api` with this origin (the same-origin guard wants it). */
async function post(api, base, endpoint, form, what, ok = [200]) {
  const res = await api.post(`${base}/api/${endpoint}`, {
    form,
    headers: { accept: "application/json", origin: base, referer: `${base}/` },
    maxRedirects: 0,
  });
  const body = await res.text();
  if (!ok.includes(res.status())) {
    throw new Broken(`${what}: POST /api/${endpoint} answered ${res.status()}: ${body.slice(0, 200)}`);
  }
  return body;
}

/** Signs `phone` in on `api` (a browser context's request, which shares its cookies, or a request context). */
async function signIn(api, base, phone) {
  // The answer may be a redirect to 首页; the cookie is what counts.
  await post(api, base, "login", { phone, password: DEMO_PASSWORD }, `signing in ${phone}`, [200, 302, 303]);
  const { cookies } = await api.storageState();
  if (!cookies.some((c) => c.name === "gs_session" && c.value)) {
    throw new Broken(`signing in ${phone} gave no session cookie`);
  }
}

// ---------------------------------------------------------------------------
// Measuring

/** Forces full garbage collections (a second one collects what the first one's finalisers freed). */
async function collectGarbage(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
}

/**
 * The URL of the app's wasm-bindgen module: of the modules under /pkg/ the page loaded, the
 * one with wasm-bindgen's `initSync` (not the split loader's).
 */
async function wasmModuleUrl(page) {
  const url = await page.evaluate(async () => {
    const scripts = performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((name) => /\/pkg\/[^/]+\.js$/.test(new URL(name).pathname));
    for (const script of scripts) {
      const mod = await import(script);
      if (typeof mod.initSync === "function" && typeof mod.default === "function") return script;
    }
    return null;
  });
  if (!url) throw new Broken("found no wasm-bindgen module among the scripts the page loaded");
  return url;
}

/**
 * The size of the app's WebAssembly memory, and how many JS values the Rust side holds
 * (the live slots of wasm-bindgen's externref table: DOM nodes, closures, promises that a
 * reactive owner or a forgotten closure keeps; a DOM node held there is never collected).
 * Importing the module again gives the page's own instance (one module per URL and realm),
 * and its init function, once initialised, returns the instance's exports. (Runtime.queryObjects
 * on WebAssembly.Memory.prototype would need no URL, but it crashes Chromium 156's renderer.)
 * The bytes the Rust allocator has handed out and not taken back are not visible from here:
 * when the app exports a `heap_in_use()` (a counting global allocator), they are read too.
 */
const wasmState = (page, url) =>
  page.evaluate(async (url) => {
    const mod = await import(url);
    const exports = await mod.default();
    const table = exports.__wbindgen_externrefs;
    let live = null;
    if (table) {
      live = 0;
      for (let i = 0; i < table.length; i++) if (table.get(i) != null) live++;
    }
    const heap = typeof mod.heap_in_use === "function" ? Number(mod.heap_in_use()) : null;
    return { memory: exports.memory.buffer.byteLength, externrefs: live, heap };
  }, url);

/** One sample, after a full collection; `at`: the events or swaps so far. */
async function sample(cdp, page, wasmUrl, at) {
  await collectGarbage(cdp);
  const heap = await cdp.send("Runtime.getHeapUsage");
  const dom = await cdp.send("Memory.getDOMCounters");
  const wasm = await wasmState(page, wasmUrl);
  // Nodes in the document itself; the DOM counter's excess over it is nodes kept alive
  // outside it (detached trees, other documents such as those a tab's fetch parsed).
  const attached = await page.evaluate(() => {
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    let n = 1;
    while (walker.nextNode()) n++;
    return n;
  });
  return {
    at,
    used: heap.usedSize,
    total: heap.totalSize,
    embedder: heap.embedderHeapUsedSize ?? null,
    backing: heap.backingStorageSize ?? null,
    wasm: wasm.memory,
    externrefs: wasm.externrefs,
    rustHeap: wasm.heap,
    nodes: dom.nodes,
    attached,
    listeners: dom.jsEventListeners,
    documents: dom.documents,
  };
}

/** A V8 heap snapshot of the page, parsed. */
async function heapSnapshot(cdp) {
  const chunks = [];
  const onChunk = ({ chunk }) => chunks.push(chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  try {
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  }
  return JSON.parse(chunks.join(""));
}

/** Count and self size per "type name" of a snapshot's nodes (numbers and hidden internals left out). */
function census(snapshot) {
  const meta = snapshot.snapshot.meta;
  const fields = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf("type");
  const nameAt = meta.node_fields.indexOf("name");
  const sizeAt = meta.node_fields.indexOf("self_size");
  const types = meta.node_types[typeAt];
  const skip = new Set(["hidden", "number", "code", "synthetic", "array"]);
  const totals = new Map();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += fields) {
    const type = types[nodes[i + typeAt]];
    if (skip.has(type)) continue;
    let name = type === "string" || type === "concatenated string" || type === "sliced string" ? "(string)" : strings[nodes[i + nameAt]];
    if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type} ${name}`;
    const t = totals.get(key) ?? { count: 0, size: 0 };
    t.count++;
    t.size += nodes[i + sizeAt];
    totals.set(key, t);
  }
  return totals;
}

/**
 * The detached DOM nodes of a snapshot (Blink marks each node's detachedness), grouped by
 * what holds them: following the shortest strong path from the GC roots to each one, the
 * last three objects before the path enters detached DOM. This names the owner of a leak
 * (wasm-bindgen's externref table, a listener list, a closure's context) without a UI.
 */
function detachedHolders(snapshot) {
  const meta = snapshot.snapshot.meta;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf("type");
  const nName = meta.node_fields.indexOf("name");
  const nEdges = meta.node_fields.indexOf("edge_count");
  const nDetached = meta.node_fields.indexOf("detachedness");
  const eType = meta.edge_fields.indexOf("type");
  const eName = meta.edge_fields.indexOf("name_or_index");
  const eTo = meta.edge_fields.indexOf("to_node");
  const nodeTypes = meta.node_types[nType];
  const edgeTypes = meta.edge_types[eType];
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / NF;
  if (nDetached < 0) return { detached: null, holders: [] };
  const detached = (i) => nodes[i * NF + nDetached] === 2;
  if (count === 0) return { detached: 0, holders: [] };
  const label = (i) => {
    const name = strings[nodes[i * NF + nName]];
    return `${nodeTypes[nodes[i * NF + nType]]} ${name.length > 50 ? `${name.slice(0, 47)}...` : name}`;
  };
  const edgeLabel = (e) => {
    const type = edgeTypes[edges[e + eType]];
    const value = edges[e + eName];
    return type === "element" || type === "hidden" ? `[${value}]` : `${type} ${strings[value]}`;
  };
  // Where each node's edges start (they are stored node after node).
  const edgeStart = new Uint32Array(count);
  for (let i = 0, e = 0; i < count; i++) {
    edgeStart[i] = e;
    e += nodes[i * NF + nEdges] * EF;
  }
  // Breadth first from the synthetic root (node 0) along strong edges: each node's parent
  // on a shortest path, and the edge it came by.
  const parent = new Int32Array(count).fill(-1);
  const via = new Int32Array(count).fill(-1);
  const queue = new Int32Array(count);
  queue[0] = 0;
  parent[0] = 0;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    for (let k = 0, e = edgeStart[i]; k < nodes[i * NF + nEdges]; k++, e += EF) {
      const type = edgeTypes[edges[e + eType]];
      if (type === "weak" || type === "shortcut") continue;
      const to = edges[e + eTo] / NF;
      if (parent[to] !== -1) continue;
      parent[to] = i;
      via[to] = e;
      queue[tail++] = to;
    }
  }
  const holders = new Map();
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (!detached(i)) continue;
    total++;
    // Only the roots of detached trees: a node whose parent on the path is detached too
    // is counted with it.
    if (parent[i] === -1 || detached(parent[i])) continue;
    const holder = parent[i];
    // Three steps back: enough to name a table or a closure's context by the property it is.
    const chain = [holder];
    while (chain.length < 3 && chain[0] !== 0) chain.unshift(parent[chain[0]]);
    const key = `${chain.map((n, k) => (k === 0 ? label(n) : `-${edgeLabel(via[n])}-> ${label(n)}`)).join(" ")} -${edgeTypes[edges[via[i] + eType]]}->`;
    holders.set(key, (holders.get(key) ?? 0) + 1);
  }
  return { detached: total, holders: [...holders].sort((a, b) => b[1] - a[1]).slice(0, 6) };
}

/** What a snapshot is used for here: its census and who holds its detached DOM. */
async function analysedSnapshot(cdp) {
  const snapshot = await heapSnapshot(cdp);
  return { census: census(snapshot), ...detachedHolders(snapshot) };
}

/** The kinds of object that grew most between two censuses, by retained count then size. */
function grown(before, after, limit = 15) {
  const rows = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, size: 0 };
    if (a.count > b.count || a.size > b.size) rows.push({ key, count: a.count - b.count, size: a.size - b.size });
  }
  rows.sort((x, y) => y.size - x.size || y.count - x.count);
  return rows.slice(0, limit);
}

// ---------------------------------------------------------------------------
// The board

/** Titles on the board's list (named 需求大厅; not the 适合我 list above it). */
const boardTitles = (page) =>
  page.getByRole("list", { name: "需求大厅", exact: true }).locator("p.order-title").allTextContents();

/** Counts requests in flight from `page`, the long-lived event stream left out. */
function watchNetwork(page) {
  const net = { inFlight: 0, last: Date.now(), documents: [] };
  const counted = (req) => req.resourceType() !== "eventsource";
  page.on("request", (req) => {
    if (req.resourceType() === "document") net.documents.push(req.url());
    if (!counted(req)) return;
    net.inFlight++;
    net.last = Date.now();
  });
  const done = (req) => {
    if (!counted(req)) return;
    net.inFlight--;
    net.last = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return net;
}

/** Waits until nothing has been in flight for QUIET_MS: a board reload, a lazy island's code. */
const quiet = (net, what) => until(`${what}: the network to go quiet`, () => net.inFlight <= 0 && Date.now() - net.last >= QUIET_MS);

// ---------------------------------------------------------------------------
// Report

const MB = (bytes) => (bytes === null ? "-" : (bytes / 1e6).toFixed(2));

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

function printSamples(what, samples) {
  // The Rust heap in use only when the app exports it (see wasmState).
  const heap = samples.some((s) => s.rustHeap !== null);
  const header = [what, "JS used MB", "JS total MB", "Blink MB", "backing MB", "WASM MB"];
  if (heap) header.push("Rust heap MB");
  header.push("externrefs", "DOM nodes", "in document", "listeners", "documents");
  console.log(
    table(
      header,
      samples.map((s) => [
        s.at,
        MB(s.used),
        MB(s.total),
        MB(s.embedder),
        MB(s.backing),
        MB(s.wasm),
        ...(heap ? [MB(s.rustHeap)] : []),
        s.externrefs ?? "-",
        s.nodes,
        s.attached,
        s.listeners,
        s.documents,
      ]),
    ),
  );
}

/**
 * Growth per `per` steps, in `unit` (MB or KB): over the whole run, and after the first
 * interval (the first steps also warm up code, caches, lazily loaded chunks and the allocator).
 */
function printGrowth(samples, per, steps, unit) {
  if (samples.length < 2) return;
  const last = samples.at(-1);
  const divisor = unit === "KB" ? 1e3 : 1e6;
  const signed = (n, digits) => `${n >= 0 ? "+" : ""}${n.toFixed(digits)}`;
  const line = (from) => {
    const rate = (key) => ((last[key] - from[key]) / (last.at - from.at)) * per;
    const bytes = (key) => `${signed(rate(key) / divisor, unit === "KB" ? 1 : 3)} ${unit}`;
    const parts = [`JS used ${bytes("used")}`];
    if (from.embedder !== null) parts.push(`Blink ${bytes("embedder")}`);
    parts.push(`WASM ${bytes("wasm")}`);
    if (from.rustHeap !== null) parts.push(`Rust heap ${bytes("rustHeap")}`);
    parts.push(`externrefs ${signed(rate("externrefs"), 1)}`, `DOM nodes ${signed(rate("nodes"), 1)}`, `listeners ${signed(rate("listeners"), 1)}`);
    return `  from ${from.at} to ${last.at}: ${parts.join(", ")}`;
  };
  console.log(`growth per ${steps}:`);
  console.log(line(samples[0]));
  if (samples.length > 2) console.log(line(samples[1]));
}

function printCensus(title, rows) {
  console.log(`\n${title}`);
  if (!rows.length) return console.log("  (nothing grew)");
  console.log(
    table(
      ["kind (V8 snapshot type and name)", "count", "self bytes"],
      rows.map((r) => [r.key, `${r.count >= 0 ? "+" : ""}${r.count}`, `${r.size >= 0 ? "+" : ""}${r.size}`]),
    ),
  );
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const base = opts.base;
  const residents = communityResidents(opts.db).slice(0, MAX_RESIDENTS);
  if (!residents.length) throw new Broken(`no resident of ${COMMUNITY} among ${RESIDENT_PHONES.join("–")} in ${opts.db}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const posters = [];
  try {
    const version = browser.version();
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
    context.setDefaultTimeout(TIMEOUT_MS);
    await signIn(context.request, base, VOLUNTEER);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    const net = watchNetwork(page);

    await page.goto(`${base}/board`);
    await page.waitForFunction(() => document.body?.dataset.hydrated === "true", null, { timeout: TIMEOUT_MS });
    await page.locator(".live-dot.on").waitFor();
    await quiet(net, "the board");
    // Swaps keep the window; a page load would lose this.
    await page.evaluate(() => {
      window.__memoryProbe = 1;
    });
    const cdp = await context.newCDPSession(page);
    const wasmUrl = await wasmModuleUrl(page);

    for (const phone of residents) {
      const api = await apiRequest.newContext();
      await signIn(api, base, phone);
      posters.push({ phone, api });
    }
    console.log(
      `Memory of an open page at ${base}, ${version}; volunteer ${VOLUNTEER} on /board; ` +
        `orders from ${posters.length} residents of ${COMMUNITY} (${residents.join(", ")})\n`,
    );

    // --- Phase 1: live events on the open board -----------------------------------------
    const eventMarks = [0, 0.125, 0.25, 0.5, 0.75, 1].map((f) => 2 * Math.round((f * opts.events) / 2));
    const stamp = Date.now().toString(36);
    const events = [];
    const snapshots = {};
    if (opts.snapshots) snapshots.eventsBefore = await analysedSnapshot(cdp);
    events.push(await sample(cdp, page, wasmUrl, 0));
    const started = Date.now();
    for (let sent = 0, n = 0; sent < opts.events; n++) {
      const poster = posters[n % posters.length];
      const title = `内存${stamp}-${n}`;
      const id = (
        await post(poster.api, base, "place_order", {
          section: "daily_life",
          title,
          description: "测量页面内存用的订单",
          urgency: "normal",
          idempotency_key: `memory-${stamp}-${n}`,
        }, `placing order ${n} as ${poster.phone}`)
      ).trim();
      if (!/^\d+$/.test(id)) throw new Broken(`place_order answered ${JSON.stringify(id)}, not an order id`);
      const sampleNext = eventMarks.includes(sent + 2);
      // Before a sample the last order is seen to arrive and to leave: frames are applied in
      // order, so every earlier one has been applied too.
      if (sampleNext) await until(`order ${title} on the board`, async () => (await boardTitles(page)).includes(title));
      await post(poster.api, base, "cancel_order", { id, reason: "" }, `cancelling order ${id} as ${poster.phone}`);
      sent += 2;
      if (!sampleNext) continue;
      await until(`order ${title} to leave the board`, async () => !(await boardTitles(page)).includes(title));
      // A card leaving a full first page makes the board load itself again: let that land,
      // then the board must be what the server says it is.
      await quiet(net, "the board's reloads");
      const server = JSON.parse(await post(context.request, base, "board_data", {}, "reading the board"));
      const expected = server.orders.map((o) => o.title);
      await until(`the board to equal the server's after ${sent} events`, async () => {
        const shown = await boardTitles(page);
        return shown.length === expected.length && shown.every((t, i) => t === expected[i]);
      });
      events.push(await sample(cdp, page, wasmUrl, sent));
    }
    const eventSeconds = (Date.now() - started) / 1000;
    if (opts.snapshots) snapshots.eventsAfter = await analysedSnapshot(cdp);
    if (!(await page.locator(".live-dot.on").count())) throw new Broken("the live dot went off during the events");

    // --- Phase 2: tab swaps ---------------------------------------------------------------
    const swapMarks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * opts.swaps));
    const documentsBefore = net.documents.length;
    const swaps = [];
    if (opts.snapshots) snapshots.swapsBefore = await analysedSnapshot(cdp);
    swaps.push(await sample(cdp, page, wasmUrl, 0));
    const swapStarted = Date.now();
    const tabBar = page.getByRole("navigation", { name: TAB_BAR.zh.name, exact: true });
    for (let i = 1; i <= opts.swaps; i++) {
      const tab = TABS[(i - 1) % TABS.length];
      await tabBar.getByRole("link", { name: tab.name, exact: true }).click();
      await page.waitForURL((url) => url.pathname === tab.path && !url.search, { timeout: TIMEOUT_MS });
      await tab.ready(page).first().waitFor();
      await until(`${tab.name} marked current`, async () => {
        const marked = await tabBar.locator('[aria-current="page"]').allInnerTexts();
        return marked.length === 1 && marked[0].includes(tab.name);
      });
      await quiet(net, `swap ${i} to ${tab.path}`);
      if (net.documents.length > documentsBefore) {
        throw new Broken(`swap ${i} to ${tab.path} loaded a document instead of swapping in place: ${net.documents.slice(documentsBefore)}`);
      }
      if (swapMarks.includes(i)) swaps.push(await sample(cdp, page, wasmUrl, i));
    }
    const swapSeconds = (Date.now() - swapStarted) / 1000;
    if (opts.snapshots) snapshots.swapsAfter = await analysedSnapshot(cdp);
    if ((await page.evaluate(() => window.__memoryProbe)) !== 1) throw new Broken("the window was replaced during the swaps");

    // --- Report ---------------------------------------------------------------------------
    console.log(`Live events on the open board (${eventSeconds.toFixed(1)} s for ${opts.events}; GC before each sample; MB = 10^6 bytes, KB = 10^3 bytes)`);
    printSamples("events", events);
    printGrowth(events, 1000, "1,000 events", "MB");
    console.log(
      `\nTab moves ${TABS.map((t) => t.name).join(" → ")} → … from /board (${swapSeconds.toFixed(1)} s for ${opts.swaps}, none of them a page load)`,
    );
    printSamples("swaps", swaps);
    printGrowth(swaps, 1, "swap", "KB");
    console.log(
      "\nJS used/total: V8 heap; Blink: Oilpan (DOM) heap; backing: ArrayBuffer backing stores; " +
        "WASM: linear memory size (high-water mark, never shrinks); externrefs: JS values the Rust side holds; DOM nodes: alive in the renderer, " +
        "'in document': those of the shown page",
    );
    if (opts.snapshots) {
      const phases = [
        [`${opts.events} events`, snapshots.eventsBefore, snapshots.eventsAfter],
        [`${opts.swaps} swaps`, snapshots.swapsBefore, snapshots.swapsAfter],
      ];
      for (const [what, before, after] of phases) {
        printCensus(`What grew during the ${what} (V8 heap snapshots before and after):`, grown(before.census, after.census));
        console.log(`detached DOM nodes in the snapshot: ${before.detached ?? "?"} before, ${after.detached ?? "?"} after; the roots of their trees are held by:`);
        for (const [holder, n] of after.holders) console.log(`  ${String(n).padStart(5)}  ${holder}`);
      }
    }
    if (errors.length) console.log(`\npage errors or console errors (${errors.length}):\n  ${errors.slice(0, 10).join("\n  ")}`);

    if (opts.json) {
      const out = { base_url: base, chromium: version, measured_at: new Date().toISOString(), residents, events, swaps, errors };
      writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
      console.log(`\nJSON: ${opts.json}`);
    }
  } finally {
    for (const { api } of posters) await api.dispose();
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`memory.js: ${error instanceof Broken ? `FAIL: ${error.message}` : error.stack ?? error}`);
  process.exit(1);
});
