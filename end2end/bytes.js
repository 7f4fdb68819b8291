// Bytes on the wire: the brotli size of the JavaScript and WebAssembly that the first load of
// each page pulls, measured against a running release server (a benchmark, not a test).
//
//   node end2end/bytes.js [--check] [--record] [--json FILE] [--budget FILE] BASE_URL
//
// Each route is loaded once in a fresh browser context (empty cache), as the role that
// would open it, with `Accept-Encoding: br`; every JS and WASM response until the network
// is idle counts, dynamically imported chunks and late .wasm fetches included. Each file is
// then fetched once more over plain HTTP with `Accept-Encoding: br` to weigh it: a br
// response weighs its Content-Length (or its body, when there is none); any other response
// weighs its body brotli-compressed at quality 11, which is what precompression would serve.
// Inline scripts inside the HTML are not counted.
//
// Units: bytes, and KB = 1,000 bytes (decimal). The ceiling is 250 KB = 250,000 bytes.
//
// The resident path is the union of the files that /, /board and /stars load, as the demo
// resident: a file they share counts once.
//   --check   exits 1 when the resident path is more than 5% over the figure recorded in
//             end2end/bytes-budget.json, or over the 250 KB ceiling when the budget's
//             "ceiling_enforced" is true (otherwise a WARNING line says so).
//   --record  writes the measured resident-path figure and today's date into the budget.
//   --json    writes every measurement to FILE.
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { CHROMIUM_ARGS, DEMO_PASSWORD } from "./tests/support.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const PHONES = {
  resident: "13800000001",
  volunteer: "13800000002",
  "grid-leader": "13800000003",
  "community-admin": "13800000004",
};

const CEILING_BYTES = 250_000;
const GROWTH_ALLOWED_PERCENT = 5;
const RESIDENT_PATH = ["/", "/board", "/stars"];

/**
 * The fixed-path pages of app/src/lib.rs, each as the role that opens it (null: anonymous).
 * The resident path comes first, as the resident. /orders/:id and /sentiment/:id are left
 * out: their first load is that of /board and /sentiment.
 */
const ROUTES = [
  ["/", "resident"],
  ["/board", "resident"],
  ["/stars", "resident"],
  ["/login", null],
  ["/signup", null],
  ["/welfare", null],
  ["/me", "resident"],
  ["/board/new", "resident"],
  ["/feed", "resident"],
  ["/sentiment/new", "resident"],
  ["/offers", "volunteer"],
  ["/sentiment", "grid-leader"],
  ["/admin/queue", "grid-leader"],
  ["/admin/pairings", "grid-leader"],
  ["/elders", "community-admin"],
  ["/admin", "community-admin"],
  ["/admin/grids", "community-admin"],
  ["/admin/elections", "community-admin"],
  ["/admin/audit", "community-admin"],
  ["/admin/dashboard", "community-admin"],
  ["/admin/open311", "community-admin"],
  ["/admin/accounts", "community-admin"],
];

const LARGEST_FILES_SHOWN = 15;
const QUIET_MS = 500;
const IDLE_TIMEOUT_MS = 15_000;
const HYDRATION_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { check: false, record: false, json: null, budget: path.join(here, "bytes-budget.json"), base: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") opts.check = true;
    else if (arg === "--record") opts.record = true;
    else if (arg === "--json") opts.json = argv[++i];
    else if (arg === "--budget") opts.budget = argv[++i];
    else if (arg === "--help" || arg === "-h") usage(0);
    else if (arg.startsWith("-")) usage(2, `unknown option ${arg}`);
    else if (opts.base === null) opts.base = arg;
    else usage(2, `unexpected argument ${arg}`);
  }
  opts.base = (opts.base ?? process.env.BASE_URL ?? "").replace(/\/$/, "");
  if (!opts.base) usage(2, "give the base URL of a running release server");
  if (opts.json === undefined || opts.budget === undefined) usage(2, "--json and --budget take a file");
  return opts;
}

function usage(status, problem) {
  if (problem) console.error(`bytes.js: ${problem}`);
  console.error("usage: node end2end/bytes.js [--check] [--record] [--json FILE] [--budget FILE] BASE_URL");
  process.exit(status);
}

// ---------------------------------------------------------------------------
// Signing in and weighing files over plain HTTP

/** GET or POST `url`; resolves to { status, headers, body: Buffer } without decoding the body. */
function request(url, { method = "GET", headers = {}, body } = {}) {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

/** The session cookie { name, value } of the demo account with `role`, from the login server function. */
export async function signIn(base, role) {
  const form = new URLSearchParams({ phone: PHONES[role], password: DEMO_PASSWORD }).toString();
  const res = await request(`${base}/api/login`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": Buffer.byteLength(form),
      origin: base,
      referer: `${base}/login`,
    },
    body: form,
  });
  const cookie = [res.headers["set-cookie"] ?? []]
    .flat()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("gs_session=") && c.length > "gs_session=".length);
  if (!cookie) {
    throw new Error(`signing in as ${role} (${PHONES[role]}) gave HTTP ${res.status} and no session cookie`);
  }
  const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
  return { name, value };
}

/** Weighs one file as served with `Accept-Encoding: br`. */
async function weigh(url, cookieHeader) {
  const headers = { "accept-encoding": "br" };
  if (cookieHeader) headers.cookie = cookieHeader;
  const res = await request(url, { headers });
  if (res.status !== 200) throw new Error(`GET ${url} with Accept-Encoding: br answered ${res.status}`);
  const encoding = (res.headers["content-encoding"] ?? "identity").toLowerCase();
  const length = res.headers["content-length"];
  let brBytes, brSource, rawBytes;
  if (encoding === "br") {
    brBytes = length !== undefined ? Number(length) : res.body.length;
    brSource = length !== undefined ? "content-length" : "br body";
    rawBytes = zlib.brotliDecompressSync(res.body).length;
  } else if (encoding === "identity") {
    brBytes = zlib.brotliCompressSync(res.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    brSource = "computed q11";
    rawBytes = res.body.length;
  } else {
    throw new Error(`GET ${url} with Accept-Encoding: br came back as ${encoding}`);
  }
  return {
    br_bytes: brBytes,
    br_source: brSource,
    raw_bytes: rawBytes,
    served_encoding: encoding,
    content_type: res.headers["content-type"] ?? null,
    cache_control: res.headers["cache-control"] ?? null,
  };
}

// ---------------------------------------------------------------------------
// Loading a page

function kindOf(response) {
  const type = (response.headers()["content-type"] ?? "").toLowerCase();
  const pathname = new URL(response.url()).pathname;
  if (type.includes("wasm") || pathname.endsWith(".wasm")) return "wasm";
  if (type.includes("javascript") || /\.m?js$/.test(pathname) || response.request().resourceType() === "script") {
    return "js";
  }
  return null;
}

/**
 * Loads `route` in a fresh context and returns the document status, whether the app
 * hydrated, and the URLs of the JS and WASM responses, each with its kind.
 */
async function loadRoute(browser, base, route, cookie) {
  const context = await browser.newContext({
    ...PHONE,
    locale: "zh-CN",
    extraHTTPHeaders: { "Accept-Encoding": "br" },
  });
  try {
    if (cookie) await context.addCookies([{ ...cookie, url: base }]);
    const page = await context.newPage();
    const files = new Map();
    let inFlight = 0;
    let lastActivity = Date.now();
    const longLived = (request) => request.resourceType() === "eventsource";
    page.on("request", (request) => {
      if (longLived(request)) return;
      inFlight++;
      lastActivity = Date.now();
    });
    const settled = (request) => {
      if (longLived(request)) return;
      inFlight--;
      lastActivity = Date.now();
    };
    page.on("requestfinished", settled);
    page.on("requestfailed", settled);
    page.on("response", (response) => {
      const kind = kindOf(response);
      if (kind && response.status() === 200) files.set(response.url(), kind);
    });

    const response = await page.goto(base + route, { waitUntil: "load", timeout: HYDRATION_TIMEOUT_MS });
    const hydrated = await page
      .waitForFunction(() => document.body?.dataset.hydrated === "true", null, { timeout: HYDRATION_TIMEOUT_MS })
      .then(() => true)
      .catch(() => false);
    const deadline = Date.now() + IDLE_TIMEOUT_MS;
    while (!(inFlight <= 0 && Date.now() - lastActivity >= QUIET_MS) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      status: response?.status() ?? null,
      finalPath: new URL(page.url()).pathname,
      hydrated,
      idle: inFlight <= 0,
      files,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// Report

const kb = (bytes) => (bytes / 1000).toFixed(1);

function sum(urls, weights) {
  let js = 0;
  let wasm = 0;
  for (const url of urls) {
    const w = weights.get(url);
    if (w.kind === "wasm") wasm += w.br_bytes;
    else js += w.br_bytes;
  }
  return { files: urls.length, js_br_bytes: js, wasm_br_bytes: wasm, total_br_bytes: js + wasm };
}

/** A plain-text table: the first `left` columns aligned left, the others (numbers) right. */
function table(header, rows, left = 1) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

function readBudget(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return null;
    throw new Error(`cannot read ${file}: ${error.message}`);
  }
}

const RECORD_HINT = "record it with  node end2end/bytes.js --record BASE_URL";

/**
 * Holds the resident path's `total` bytes against the budget: growth over the recorded
 * figure always fails, the ceiling only when the budget enforces it (else a warning).
 * Prints the comparison; pushes onto `problems` and `warnings`; returns what it checked.
 */
function judge(total, budget, opts, problems, warnings) {
  const recorded = budget?.resident_path_br_bytes;
  const check = {
    ceiling_bytes: CEILING_BYTES,
    ceiling_enforced: budget?.ceiling_enforced === true,
    growth_allowed_percent: GROWTH_ALLOWED_PERCENT,
    recorded_bytes: recorded > 0 ? recorded : null,
    limit_bytes: recorded > 0 ? Math.floor((recorded * (100 + GROWTH_ALLOWED_PERCENT)) / 100) : null,
  };
  if (!budget) {
    if (opts.check) problems.push(`no budget file at ${opts.budget}: ${RECORD_HINT}`);
  } else if (!(recorded > 0)) {
    if (opts.check) problems.push(`${opts.budget} holds no recorded figure: ${RECORD_HINT}`);
  } else {
    const change = (total / recorded - 1) * 100;
    const signed = `${change >= 0 ? "+" : ""}${change.toFixed(1)}%`;
    console.log(
      `\nbudget (${opts.budget}, recorded ${budget.recorded}): ${recorded} bytes; measured ${total} bytes ` +
        `(${signed}), limit +${GROWTH_ALLOWED_PERCENT}% = ${check.limit_bytes} bytes`,
    );
    if (total > check.limit_bytes) {
      problems.push(
        `the resident path needs ${total} bytes brotli, ${signed} over the ${recorded} bytes recorded on ` +
          `${budget.recorded} in ${opts.budget} (at most +${GROWTH_ALLOWED_PERCENT}% = ${check.limit_bytes} bytes)`,
      );
    } else if (change < -GROWTH_ALLOWED_PERCENT) {
      console.log(`note: ${signed} against the recorded figure: lock the gain in; ${RECORD_HINT}`);
    }
  }
  if (total > CEILING_BYTES) {
    const over = `the resident path needs ${total} bytes brotli, over the ceiling of ${CEILING_BYTES} bytes (250 KB)`;
    if (check.ceiling_enforced) problems.push(over);
    else {
      const why = budget ? `"ceiling_enforced": false in ${opts.budget}` : "no budget file";
      warnings.push(`${over}; NOT ENFORCED yet (${why})`);
    }
  }
  return check;
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const base = opts.base;

  const cookies = new Map();
  for (const role of new Set(ROUTES.map(([, role]) => role).filter(Boolean))) {
    cookies.set(role, await signIn(base, role));
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const loads = [];
  try {
    for (const [route, role] of ROUTES) {
      loads.push({ route, role, ...(await loadRoute(browser, base, route, role && cookies.get(role))) });
    }
  } finally {
    await browser.close();
  }

  const weights = new Map();
  for (const load of loads) {
    const cookie = load.role ? cookies.get(load.role) : null;
    for (const [url, kind] of load.files) {
      if (!weights.has(url)) {
        weights.set(url, { kind, ...(await weigh(url, cookie && `${cookie.name}=${cookie.value}`)) });
      }
    }
  }

  const routes = loads.map((load) => ({
    route: load.route,
    as: load.role ?? "anonymous",
    status: load.status,
    final_path: load.finalPath,
    hydrated: load.hydrated,
    network_idle: load.idle,
    file_urls: [...load.files.keys()],
    ...sum([...load.files.keys()], weights),
  }));
  const residentLoads = routes.filter((r) => RESIDENT_PATH.includes(r.route));
  const residentUrls = [...new Set(residentLoads.flatMap((r) => r.file_urls))];
  const resident = { routes: RESIDENT_PATH, as: "resident", file_urls: residentUrls, ...sum(residentUrls, weights) };

  console.log(`Bytes on the wire at ${base} (brotli; KB = 1000 bytes; first load, empty cache)\n`);
  console.log(
    table(
      ["route", "as", "status", "files", "JS br KB", "WASM br KB", "total br KB"],
      routes.map((r) => [
        r.route,
        r.as,
        `${r.status}${r.hydrated ? "" : " (not hydrated)"}`,
        r.files,
        kb(r.js_br_bytes),
        kb(r.wasm_br_bytes),
        kb(r.total_br_bytes),
      ]),
      2,
    ),
  );
  console.log(
    `\nresident path (${RESIDENT_PATH.join(", ")}, union): ${resident.files} files, ` +
      `JS ${kb(resident.js_br_bytes)} KB + WASM ${kb(resident.wasm_br_bytes)} KB = ` +
      `${kb(resident.total_br_bytes)} KB brotli (${resident.total_br_bytes} bytes)\n`,
  );
  // The largest files of all routes; the rest (split builds make hundreds of small chunks) as one row.
  const byWeight = [...weights].sort((a, b) => b[1].br_bytes - a[1].br_bytes);
  const fileRows = byWeight
    .slice(0, LARGEST_FILES_SHOWN)
    .map(([url, w]) => [
      new URL(url).pathname,
      w.kind,
      `${w.served_encoding} (${w.br_source})`,
      w.cache_control ?? "-",
      kb(w.br_bytes),
      kb(w.raw_bytes),
    ]);
  const rest = byWeight.slice(LARGEST_FILES_SHOWN).map(([, w]) => w);
  if (rest.length) {
    const total = (key) => rest.reduce((acc, w) => acc + w[key], 0);
    fileRows.push([`(${rest.length} more files)`, "", "", "", kb(total("br_bytes")), kb(total("raw_bytes"))]);
  }
  console.log(`${weights.size} distinct files over all routes, the largest first:`);
  console.log(table(["file", "kind", "served as", "cache-control", "br KB", "raw KB"], fileRows, 4));

  // Checks: the document must be the page itself, and the budget must hold.
  const problems = [];
  const warnings = [];
  for (const r of routes) {
    if (r.status !== 200 || r.final_path !== r.route) {
      problems.push(`${r.route} as ${r.as} answered ${r.status} at ${r.final_path}, not 200 at ${r.route}`);
    } else if (!r.hydrated) {
      problems.push(`${r.route} as ${r.as} did not hydrate within ${HYDRATION_TIMEOUT_MS} ms`);
    }
    if (!r.network_idle) {
      warnings.push(`${r.route} as ${r.as}: the network was not idle after ${IDLE_TIMEOUT_MS} ms`);
    }
  }
  if (!weights.size) problems.push("no JS or WASM file was loaded at all");

  const budget = readBudget(opts.budget);
  const check = judge(resident.total_br_bytes, budget, opts, problems, warnings);
  for (const w of warnings) console.log(`\n*** WARNING: ${w} ***`);

  if (opts.record) {
    const recorded = {
      resident_path_br_bytes: resident.total_br_bytes,
      recorded: new Date().toISOString().slice(0, 10),
      unit: "bytes of brotli; KB = 1000 bytes",
      ceiling_enforced: budget?.ceiling_enforced === true,
      note: budget?.note ?? "",
    };
    writeFileSync(opts.budget, `${JSON.stringify(recorded, null, 2)}\n`);
    console.log(`\nrecorded ${resident.total_br_bytes} bytes in ${opts.budget}`);
  }

  if (opts.json) {
    const out = {
      base_url: base,
      measured_at: new Date().toISOString(),
      unit: "bytes; KB = 1000 bytes",
      routes,
      resident_path: resident,
      files: Object.fromEntries(weights),
      check,
      problems,
      warnings,
    };
    writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`\nJSON: ${opts.json}`);
  }

  if (problems.length) {
    for (const p of problems) console.error(`bytes.js: ${opts.check ? "FAIL" : "problem"}: ${p}`);
    if (opts.check) process.exit(1);
  } else if (opts.check) {
    console.log("\nbytes.js: check passed");
  }
}

// Run as a script; lighthouse.js imports signIn from here.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`bytes.js: ${error.stack ?? error}`);
    process.exit(1);
  });
}
