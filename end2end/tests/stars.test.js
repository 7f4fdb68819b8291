// 志愿服务之星: a resident votes from /stars, hydrated and with JavaScript disabled.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LoginPage, launch, newPhone, poll, queryDb } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("the star election", () => {
  for (const [javaScriptEnabled, number] of [
    [true, "13800001002"],
    [false, "13800001004"],
  ]) {
    test(`a resident votes for a candidate (${javaScriptEnabled ? "hydrated" : "JavaScript disabled"})`, async () => {
      const phone = await newPhone(browser, { javaScriptEnabled });
      await new LoginPage(phone).signIn(number);
      await phone.goto("/stars");
      const { page } = phone;
      await page.getByText("还可投 10 票").waitFor();
      await page.getByRole("button", { name: "投票", exact: true }).first().click();
      await page.getByText("还可投 9 票").waitFor();
      await page.getByText("已投票").first().waitFor();
      // The page stays at the candidate just voted for (a plain form comes back to its anchor).
      const votedCard = page.locator("li.candidate", { hasText: "已投票" }).first();
      await poll("the voted candidate is on screen", async () =>
        votedCard.evaluate((el) => {
          const r = el.getBoundingClientRect();
          return r.top < window.innerHeight && r.bottom > 0;
        }),
      );
      await phone.screenshot(`stars-voted-${javaScriptEnabled ? "js" : "nojs"}`);
      phone.assertNoErrors();
      await phone.close();
    });
  }
});

/** A date `days` from now in China time, as a date input wants it. */
const chinaDay = (days) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe("running an election", () => {
  test("an admin opens an election; a resident votes three times while a second browser watches the tally", async () => {
    const title = `祖望邻里之星${Date.now() % 100000}`;
    const admin = await newPhone(browser);
    await new LoginPage(admin).signIn("13800000004");
    await admin.goto("/admin/elections");
    const a = admin.page;
    await a.getByLabel("评选名称").fill(title);
    await a.getByLabel("评选名额").fill("3");
    await a.getByLabel("每人可投", { exact: true }).fill("3");
    await a.getByLabel("报名开始").fill(chinaDay(0));
    await a.getByLabel("报名截止").fill(chinaDay(0));
    await a.getByLabel("投票开始").fill(chinaDay(1));
    await a.getByLabel("投票截止").fill(chinaDay(10));
    await a.getByLabel("公示截止").fill(chinaDay(17));
    await a.getByRole("button", { name: "发起评选", exact: true }).click();
    const card = a.locator("li.election", { has: a.getByRole("heading", { name: title }) });
    await card.waitFor();
    const election = await card.getAttribute("data-election");
    // Three volunteers of 祖望社区 nominated by phone, then approved.
    for (const [i, volunteer] of ["13800000010", "13800000011", "13800000012"].entries()) {
      await card.getByLabel("志愿者手机号").fill(volunteer);
      await card.getByRole("button", { name: "提名", exact: true }).click();
      await card.locator("li.nomination", { hasText: "待审核" }).first().waitFor();
      if (i === 2) {
        // Opening voting asks first, and says a nomination still waits for a decision.
        await card.locator("summary", { hasText: "现在开始投票" }).click();
        await card.getByText("还有 1 条报名待审核").waitFor();
        await admin.screenshot("election-open-voting-pending");
        await card.locator("summary", { hasText: "现在开始投票" }).click();
      }
      await card.getByRole("button", { name: "通过", exact: true }).first().click();
      await card.locator("li.nomination", { hasText: "已通过" }).nth(i).waitFor();
    }
    assert.equal(await card.locator("li.nomination", { hasText: "已通过" }).count(), 3);
    await card.locator("summary", { hasText: "现在开始投票" }).click();
    assert.equal(await card.getByText("条报名待审核").count(), 0, "nothing waits any more");
    await card.getByRole("button", { name: "确认现在开始投票", exact: true }).click();
    await card.getByText("投票中").waitFor();
    await admin.screenshot("election-admin");

    // A second browser watches the tally of the first candidate; it never reloads.
    const watcher = await newPhone(browser);
    await new LoginPage(watcher).signIn("13800001001");
    await watcher.goto(`/stars?election=${election}`);
    const watched = watcher.page.locator("li.candidate").first();
    await watched.locator(".votes", { hasText: "0 票" }).waitFor();
    const watchedName = await watched.locator("h3").textContent();

    const voter = await newPhone(browser);
    await new LoginPage(voter).signIn("13800001000");
    await voter.goto(`/stars?election=${election}`);
    const v = voter.page;
    await v.getByText("还可投 3 票").waitFor();
    for (const left of [2, 1, 0]) {
      await v.locator("li.candidate", { has: v.getByRole("button", { name: "投票", exact: true }) })
        .first()
        .getByRole("button", { name: "投票", exact: true })
        .click();
      await v.getByText(`还可投 ${left} 票`).waitFor();
      if (left === 2) {
        const started = Date.now();
        await watched.locator(".votes", { hasText: "1 票" }).waitFor({ timeout: 2_000 });
        console.log(`tally reached the second browser ${Date.now() - started} ms after the voter saw the count fall`);
      }
    }
    assert.equal(await v.getByText("已投票").count(), 3);
    assert.equal(await watcher.page.locator("li.candidate h3").first().textContent(), watchedName);
    // A duplicate vote, sent again from the voter's browser, is refused with a message.
    assert.equal(await v.locator("li.candidate input[name=nomination]").count(), 0, "no vote button is left");
    const first = await v.locator("li.candidate").first().getAttribute("data-nomination");
    const refused = await v.evaluate(async (id) => {
      const res = await fetch("/api/cast_vote", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `nomination=${encodeURIComponent(id)}`,
      });
      return { status: res.status, body: await res.text() };
    }, first);
    assert.equal(refused.status, 409, refused.body);
    assert.match(refused.body, /ErrAlreadyVoted/);
    await watched.locator(".votes", { hasText: "1 票" }).waitFor();
    await voter.screenshot("election-voted-three");
    admin.assertNoErrors();
    watcher.assertNoErrors();
    voter.assertNoErrors({ expectedStatuses: [409] });
    for (const p of [admin, watcher, voter]) await p.close();
  });
});

describe("self-nomination", () => {
  test("a volunteer is shown the election taking nominations, sees its period, nominates themself and sees 待审核", async () => {
    const title = `祖望报名测试${Date.now() % 100000}`;
    const admin = await newPhone(browser);
    await new LoginPage(admin).signIn("13800000004");
    await admin.goto("/admin/elections");
    // The create form only: cards of other elections have date fields of their own.
    const a = admin.page.locator("form", { has: admin.page.getByRole("button", { name: "发起评选", exact: true }) });
    await a.getByLabel("评选名称").fill(title);
    await a.getByLabel("评选名额").fill("3");
    await a.getByLabel("每人可投", { exact: true }).fill("3");
    await a.getByLabel("报名开始").fill(chinaDay(0));
    await a.getByLabel("报名截止").fill(chinaDay(3));
    await a.getByLabel("投票开始").fill(chinaDay(4));
    await a.getByLabel("投票截止").fill(chinaDay(10));
    await a.getByLabel("公示截止").fill(chinaDay(17));
    await a.getByRole("button", { name: "发起评选", exact: true }).click();
    await admin.page.locator("li.election", { has: admin.page.getByRole("heading", { name: title }) }).waitFor();
    await admin.close();
    const [[demo]] = queryDb("SELECT id FROM star_elections WHERE title = '2026年度志愿服务之星'");
    const [[id]] = queryDb("SELECT id FROM star_elections WHERE title = ?", title);

    for (const [javaScriptEnabled, number] of [
      [true, "13800000017"],
      [false, "13800000018"],
    ]) {
      const phone = await newPhone(browser, { javaScriptEnabled });
      await new LoginPage(phone).signIn(number);
      const { page } = phone;
      // On another election's page, the way to this one is at the top.
      await phone.goto(`/stars?election=${demo}`);
      const banner = page.locator(".nominating-elsewhere", { hasText: title });
      await banner.getByRole("link", { name: "我要报名" }).click();
      await page.waitForURL((url) => url.searchParams.get("election") === String(id));
      await page.getByText(`${chinaDay(0)} – ${chinaDay(3)}`).first().waitFor();
      await page.getByLabel("自我介绍").fill("每周六上门帮老人修电器");
      await page.getByRole("button", { name: "我要报名", exact: true }).click();
      const mine = page.locator("#my-nomination");
      await mine.getByText("待审核").waitFor();
      await mine.getByText("等待社区审核").waitFor();
      assert.equal(await page.getByRole("button", { name: "我要报名", exact: true }).count(), 0, "no second form");
      await phone.screenshot(`self-nomination-${javaScriptEnabled ? "js" : "nojs"}`);
      phone.assertNoErrors();
      await phone.close();
    }
    assert.equal(queryDb("SELECT count(*) FROM nominations WHERE election_id = ? AND status = 'pending'", id)[0][0], 2);
  });
});
