// Live changes applied in place: open boards take new cards and drop taken ones, and the
// ballot's counts move, without a page or HTML request and without touching what the
// person was doing (an open <details>, typed text, focus). Another community hears nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, mainNav, poll, queryDb, signedInPhone as signIn } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const signedInPhone = (number) => signIn(browser, number);

/** Records every document request and HTML response `page` makes from now on. */
function watchPageLoads(page) {
  const loads = [];
  page.on("request", (req) => {
    if (req.resourceType() === "document") loads.push(`document ${req.url()}`);
  });
  page.on("response", (res) => {
    if ((res.headers()["content-type"] ?? "").startsWith("text/html")) loads.push(`html ${res.url()}`);
  });
  return loads;
}

/** Posts a form to a server function from inside `page` (its cookies, its origin). */
const post = (page, endpoint, form) =>
  page.evaluate(
    async ([endpoint, form]) => {
      const res = await fetch(`/api/${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(form).toString(),
      });
      return { status: res.status, body: await res.text() };
    },
    [endpoint, form],
  );

const titlesOn = (page) =>
  page.getByRole("list", { name: "需求大厅", exact: true }).locator("p.order-title").allTextContents();

describe("live changes", () => {
  test("five open boards take five new orders in place and drop the taken one; another community sees none", async () => {
    const stamp = Date.now() % 1_000_000;
    const volunteers = ["13800000002", "13800000010", "13800000011", "13800000012", "13800000013"];
    const boards = [];
    for (const number of volunteers) {
      const phone = await signedInPhone(number);
      await phone.goto("/board");
      await phone.page.locator(".live-dot.on").waitFor();
      // What the person was doing: the copy list open, focus on a filter chip.
      await phone.page.locator("details.copy summary").click();
      await phone.page.locator("nav.chips a").first().focus();
      boards.push({ phone, loads: watchPageLoads(phone.page) });
    }
    const outsider = await signedInPhone("13800000009");
    await outsider.goto("/board");
    await outsider.page.locator(".live-dot.on").waitFor();
    const outsiderTitles = await titlesOn(outsider.page);
    const outsiderLoads = watchPageLoads(outsider.page);

    // The resident posts five needs through the server function 我需要 posts to.
    const resident = await signedInPhone("13800000001");
    await resident.goto("/");
    const residentLoads = watchPageLoads(resident.page);
    const titles = [];
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const title = `实时${stamp}-${i}`;
      const key = `live-e2e-${stamp}-${i}`;
      const placed = await post(resident.page, "place_order", {
        section: "daily_life",
        title,
        description: "帮忙把快递从驿站拿上楼",
        urgency: "normal",
        idempotency_key: key,
      });
      assert.equal(placed.status, 200, placed.body);
      titles.push(title);
      ids.push(placed.body.trim());
    }
    const placedAt = Date.now();
    for (const { phone } of boards) {
      await poll("every new card on the board", async () => {
        const shown = await titlesOn(phone.page);
        return titles.every((t) => shown.includes(t));
      }, { timeout: 5_000 });
    }
    console.log(`# five new cards on five boards ${Date.now() - placedAt} ms after the last was placed`);
    // 适合我 ranks them too: the resident is in the volunteer's micro-grid and asks for a
    // skill of theirs, so the newest of the five is the best match.
    const suitsOf = (page) => page.locator("section.suits-me p.order-title").allTextContents();
    await poll("the newest order first under 适合我", async () => (await suitsOf(boards[0].phone.page))[0] === titles[4]);
    // Newest first, as the server orders the board.
    const shown = await titlesOn(boards[0].phone.page);
    const positions = titles.map((t) => shown.indexOf(t));
    assert.deepEqual([...positions].sort((a, b) => b - a), positions, `newest first: ${shown.join(" | ")}`);

    // Another volunteer takes the third one from their own phone; every board drops it.
    const taker = await signedInPhone("13800000014");
    await taker.goto("/");
    const taken = await post(taker.page, "take_order", { id: ids[2] });
    assert.equal(taken.status, 200, taken.body);
    const takenAt = Date.now();
    for (const { phone } of boards) {
      await poll("the taken card leaves the board", async () => !(await titlesOn(phone.page)).includes(titles[2]), {
        timeout: 5_000,
      });
    }
    console.log(`# the taken card left five boards ${Date.now() - takenAt} ms after the take`);
    assert.ok(!(await suitsOf(boards[0].phone.page)).includes(titles[2]), "the taken card left 适合我");
    // The resident's own 首页 follows their orders: the five are listed, the taken one says so.
    const mine = resident.page.locator("#my-orders li.my-order");
    await poll("the five needs on the resident's 首页", async () => {
      const listed = await mine.locator(".order-title").allTextContents();
      return titles.every((t) => listed.includes(t));
    });
    await poll("the taken one shows as taken on 首页", async () =>
      ((await mine.filter({ hasText: titles[2] }).locator(".status").textContent()) ?? "").includes("已接单"),
    );
    assert.deepEqual(residentLoads, [], "首页 followed without a page or HTML fetch");

    for (const { phone, loads } of boards) {
      const p = phone.page;
      assert.deepEqual(loads, [], "no page and no HTML was fetched for a live change");
      assert.equal(await p.locator("details.copy").evaluate((d) => d.open), true, "the copy list stays open");
      assert.equal(await p.evaluate(() => document.activeElement?.matches("nav.chips a") ?? false), true, "focus stays");
      const copy = await p.locator("#copy-text").inputValue();
      assert.ok(copy.includes(titles[4]) && !copy.includes(titles[2]), `the copy text follows: ${copy}`);
      // The section count equals the database's open orders of the community.
      const [[open]] = queryDb(
        `SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
         WHERE o.status = 'open' AND m.code GLOB (SELECT code FROM grid_nodes WHERE name = '祖望社区' AND level = 'community') || '*'`,
      );
      const all = await p.locator("nav.chips a").first().locator(".count").textContent();
      assert.equal(Number(all), open, "全部 counts the community's open orders");
    }
    await boards[0].phone.screenshot("live-board-after-changes");

    // 朝晖社区's board heard nothing of 祖望's orders.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await titlesOn(outsider.page), outsiderTitles);
    assert.deepEqual(outsiderLoads, []);

    for (const { phone } of boards) {
      phone.assertNoErrors();
      await phone.close();
    }
    for (const phone of [outsider, resident, taker]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });

  test("a board offline for 30 s while orders are placed and taken shows what a fresh load shows once back", async () => {
    // A browser of its own: Chromium lets the emulated network state reach other contexts'
    // pages that share a renderer, and the other tests' pages must stay online.
    const own = await launch();
    const phone = await signIn(own, "13800000010");
    await phone.goto("/board");
    const p = phone.page;
    await p.locator(".live-dot.on").waitFor();
    const loads = watchPageLoads(p);
    await phone.context.setOffline(true);
    const wentOffline = Date.now();
    await poll("the stream notices it is cut off", async () => (await p.locator(".live-dot.on").count()) === 0, {
      timeout: 10_000,
    });

    // Meanwhile: three needs are posted and two orders taken (one of them new).
    const stamp = Date.now() % 1_000_000;
    const resident = await signedInPhone("13800000001");
    await resident.goto("/");
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const placed = await post(resident.page, "place_order", {
        section: "daily_life",
        title: `离线${stamp}-${i}`,
        description: "断网期间发布的需求",
        urgency: i === 0 ? "urgent" : "normal",
        idempotency_key: `offline-e2e-${stamp}-${i}`,
      });
      assert.equal(placed.status, 200, placed.body);
      ids.push(placed.body.trim());
    }
    const [[older]] = queryDb(
      `SELECT o.id FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
       WHERE o.status = 'open' AND o.title NOT LIKE '离线%'
         AND o.requester_id NOT IN (SELECT id FROM people WHERE phone = '13800000014')
         AND m.code GLOB (SELECT code FROM grid_nodes WHERE name = '祖望社区' AND level = 'community') || '*'
       ORDER BY o.id LIMIT 1`,
    );
    const taker = await signedInPhone("13800000014");
    await taker.goto("/");
    for (const id of [ids[1], String(older)]) {
      const taken = await post(taker.page, "take_order", { id });
      assert.equal(taken.status, 200, taken.body);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - wentOffline))));
    await phone.context.setOffline(false);

    // Back online: the board equals a fresh load of the same page, cards and counts.
    const fresh = await signedInPhone("13800000011");
    await fresh.goto("/board");
    const freshTitles = await titlesOn(fresh.page);
    const freshCounts = await fresh.page.locator("nav.chips a .count").allTextContents();
    assert.ok(freshTitles.includes(`离线${stamp}-0`) && !freshTitles.includes(`离线${stamp}-1`), freshTitles.join(" | "));
    const backAt = Date.now();
    await poll(
      "the board caught up",
      async () =>
        JSON.stringify(await titlesOn(p)) === JSON.stringify(freshTitles) &&
        JSON.stringify(await p.locator("nav.chips a .count").allTextContents()) === JSON.stringify(freshCounts),
      { timeout: 15_000 },
    );
    console.log(`# the board caught up ${Date.now() - backAt} ms after the network came back`);
    await p.locator(".live-dot.on").waitFor();
    assert.deepEqual(loads.filter((l) => l.startsWith("document")), [], "no page load to catch up");
    await phone.screenshot("live-board-after-offline");
    // The console saw the cut-off stream's failed reconnects, nothing else.
    phone.errors = phone.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e.text));
    for (const x of [phone, resident, taker, fresh]) {
      x.assertNoErrors();
      await x.close();
    }
    await own.close();
  });

  test("the ballot's counts follow 20 votes from other phones while typed text and focus stay", async () => {
    const watcher = await signedInPhone("13800001006");
    await watcher.goto("/stars");
    const w = watcher.page;
    await w.locator("li.candidate").first().waitFor();
    const loads = watchPageLoads(w);
    const search = w.locator("#candidate-search");
    await search.fill("张");
    await search.focus();
    const nominations = await w.locator("li.candidate").evaluateAll((els) => els.map((el) => el.dataset.nomination));
    assert.ok(nominations.length >= 5, `candidates: ${nominations}`);
    const [[election]] = queryDb("SELECT election_id FROM nominations WHERE id = ?", Number(nominations[0]));

    // Four residents of the election's area who have not voted yet, five votes each.
    const voters = queryDb(
      `SELECT p.phone FROM people p JOIN accounts a ON a.person_id = p.id JOIN grid_nodes m ON m.id = p.micro_grid_id
       WHERE p.phone LIKE '138000010%' AND p.phone > '13800001010'
         AND m.code GLOB (SELECT g.code FROM star_elections e JOIN grid_nodes g ON g.id = e.scope_node_id WHERE e.id = ?1) || '*'
         AND NOT EXISTS (SELECT 1 FROM star_votes v WHERE v.voter_id = a.id AND v.election_id = ?2)
       ORDER BY p.phone LIMIT 4`,
      election,
      election,
    ).map(([phone]) => phone);
    assert.equal(voters.length, 4, `voters: ${voters}`);
    for (const number of voters) {
      const voter = await signedInPhone(number);
      await voter.goto("/");
      for (const nomination of nominations.slice(0, 5)) {
        const cast = await post(voter.page, "cast_vote", { nomination });
        assert.equal(cast.status, 200, cast.body);
      }
      voter.assertNoErrors();
      await voter.close();
    }

    const counts = () =>
      Object.fromEntries(
        queryDb("SELECT nomination_id, count(*) FROM star_votes WHERE election_id = ? GROUP BY nomination_id", election).map(
          ([n, c]) => [String(n), c],
        ),
      );
    await poll("every count on the page equals the database", async () => {
      const db = counts();
      const shown = await w.locator("li.candidate").evaluateAll((els) =>
        els.map((el) => [el.dataset.nomination, el.querySelector(".votes")?.textContent ?? ""]),
      );
      return shown.every(([n, text]) => Number.parseInt(text, 10) === (db[n] ?? 0));
    }, { timeout: 5_000 });
    assert.equal(await search.inputValue(), "张", "the typed search text stays");
    assert.equal(await w.evaluate(() => document.activeElement?.id), "candidate-search", "focus stays in the search box");
    assert.deepEqual(loads, [], "no page and no HTML was fetched for the votes");
    await watcher.screenshot("live-ballot-after-votes");
    watcher.assertNoErrors();
    await watcher.close();
  });
});

describe("tabs", () => {
  test("首页 → 需求大厅 → 志愿之星 → a chip → back → back → 我的 moves without page loads, keeping the window and the stream", async () => {
    // A volunteer who takes no order elsewhere in the suite (takes are limited per hour).
    const phone = await signedInPhone("13800000012");
    const { page } = phone;
    const opened = page.waitForRequest((req) => new URL(req.url()).pathname === "/api/events");
    await phone.goto("/");
    await opened;
    const loads = watchPageLoads(page);
    const streams = [];
    page.on("request", (req) => {
      if (new URL(req.url()).pathname === "/api/events") streams.push(req.url());
    });
    await page.evaluate(() => {
      window.__probe = 1;
    });
    const current = async () => {
      const marked = await mainNav(page).locator('[aria-current="page"]').allInnerTexts();
      return marked.map((t) => t.replace(/\s+/g, " ").trim());
    };
    const expectPage = async (path, tab, heading) => {
      await page.waitForURL((url) => url.pathname + url.search === path);
      if (heading) await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
      await poll(`only ${tab} marked current`, async () => {
        const marked = await current();
        return marked.length === 1 && marked[0].includes(tab);
      });
      assert.match(await page.title(), new RegExp(tab), "the title follows");
      assert.equal(await page.evaluate(() => window.__probe), 1, "the window is the same");
      assert.equal(await page.evaluate(() => window.scrollY), 0, "the page starts at the top");
    };

    await page.evaluate(() => window.scrollTo(0, 400));
    await mainNav(page).getByRole("link", { name: "需求大厅", exact: true }).click();
    await expectPage("/board", "需求大厅", "需求大厅");
    // The board's island works after the swap: a new order appears in place.
    const resident = await signedInPhone("13800000001");
    await resident.goto("/");
    const title = `切换后${Date.now() % 1_000_000}`;
    const placed = await post(resident.page, "place_order", {
      section: "daily_life",
      title,
      description: "切换标签后也能实时看到",
      urgency: "normal",
      idempotency_key: `tab-e2e-${Date.now()}`,
    });
    assert.equal(placed.status, 200, placed.body);
    await poll("the new order on the swapped-in board", async () => (await titlesOn(page)).includes(title), { timeout: 5_000 });

    await mainNav(page).getByRole("link", { name: "志愿之星", exact: true }).click();
    await expectPage("/stars", "志愿之星", "志愿服务之星");
    await page.goBack();
    await expectPage("/board", "需求大厅", "需求大厅");
    await page.locator("nav.chips a", { hasText: "生活便民" }).click();
    await expectPage("/board?section=daily_life", "需求大厅", "需求大厅");
    await page.goBack();
    await expectPage("/board", "需求大厅", "需求大厅");
    await page.goBack();
    await expectPage("/", "首页", null);
    await page.locator("header.hero h1").waitFor();

    // 志愿之星 again, after another page: its ballot is the new page's and hears the votes.
    await mainNav(page).getByRole("link", { name: "志愿之星", exact: true }).click();
    await expectPage("/stars", "志愿之星", "志愿服务之星");
    const first = page.locator("li.candidate").first();
    const nomination = await first.getAttribute("data-nomination");
    const voter = await signedInPhone("13800001018");
    await voter.goto("/");
    const cast = await post(voter.page, "cast_vote", { nomination });
    assert.equal(cast.status, 200, cast.body);
    const [[votes]] = queryDb("SELECT count(*) FROM star_votes WHERE nomination_id = ?", Number(nomination));
    await poll(
      "the revisited ballot's count follows the vote",
      async () => Number.parseInt(await first.locator(".votes").textContent(), 10) === votes,
      { timeout: 5_000 },
    );

    // 我的, also in place: its own orders follow its channel, its forms work where they are.
    await mainNav(page).getByRole("link", { name: "我的", exact: true }).click();
    await expectPage("/me", "我的", "修改密码");
    const mineTitle = `我的${Date.now() % 1_000_000}`;
    const mineOrder = await post(resident.page, "place_order", {
      section: "daily_life",
      title: mineTitle,
      description: "在「我的」里实时看到",
      urgency: "normal",
      idempotency_key: `tab-me-e2e-${Date.now()}`,
    });
    assert.equal(mineOrder.status, 200, mineOrder.body);
    const took = await post(page, "take_order", { id: mineOrder.body.trim() });
    assert.equal(took.status, 200, took.body);
    await poll("the order just taken among mine", async () => (await page.locator("main").innerText()).includes(mineTitle), {
      timeout: 5_000,
    });
    await page.locator("#volunteer-profile button[type=submit]").click();
    await page.locator("#volunteer-profile .saved").waitFor();
    await page.goBack();
    await expectPage("/stars", "志愿之星", "志愿服务之星");

    // The tab's page arrives as HTML that a fetch reads; the document is never loaded again.
    assert.deepEqual(loads.filter((l) => l.startsWith("document")), [], "no page load on the way");
    assert.equal(streams.length, 0, `the stream stayed open: ${streams}`);
    await phone.screenshot("tabs-after-walk");
    for (const p of [phone, resident, voter]) {
      p.assertNoErrors();
      await p.close();
    }
  });
});
