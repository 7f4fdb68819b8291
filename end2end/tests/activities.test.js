// 驿站活动 end to end on phones: the community admin publishes an activity with two places;
// three residents of 祖望社区 sign up (one without JavaScript): two get places, the third
// waits first in line; one of the two gives their place up and the waiting one has it, and
// is told. The same pages in English and in elder mode.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, queryDb, signedInPhone as signIn } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** `days` from today as a `datetime-local` value at `time`, in China time. */
function localAt(days, time) {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${time}`;
}

const status = (page) => page.getByRole("status").first();

describe("驿站活动", () => {
  test("an admin publishes, residents fill it, one waits, a cancellation passes the place on", async () => {
    const title = `E网情深 ${Date.now() % 100000}`;
    const admin = await signIn(browser, "13800000004");
    await admin.goto("/activities");
    await admin.page.getByRole("link", { name: "发布活动" }).click();
    await admin.page.waitForURL((url) => url.pathname === "/activities/new");
    const page = admin.page;
    await page.getByLabel("驿站").selectOption({ label: "向日葵网格服务驿站" });
    await page.getByLabel("活动类型").selectOption("training");
    await page.getByLabel("标题").fill(title);
    await page.getByLabel("开始时间").fill(localAt(2, "14:30"));
    await page.getByLabel("结束时间").fill(localAt(2, "16:30"));
    await page.getByLabel("名额", { exact: true }).fill("2");
    await page.getByLabel("社区", { exact: true }).check();
    await admin.screenshot("activity-new-phone");
    await page.getByRole("button", { name: "发布活动" }).click();
    await page.waitForURL((url) => /^\/activities\/\d+$/.test(url.pathname));
    const path = admin.pathname();
    const id = Number(path.split("/").pop());
    await page.getByText("余位 2").waitFor();

    // Two residents with JavaScript, one without: each signs up from the activity's page.
    const phones = [];
    const residents = queryDb(
      `SELECT a.phone FROM accounts a JOIN people p ON p.id = a.person_id JOIN grid_nodes g ON g.id = p.micro_grid_id
       WHERE a.phone GLOB '13800001*' AND g.code GLOB (SELECT code FROM grid_nodes WHERE name = '祖望社区') || '*'
       ORDER BY a.phone LIMIT 3 OFFSET 20`,
    ).map((r) => r[0]);
    assert.equal(residents.length, 3);
    for (const [number, js] of [
      [residents[0], true],
      [residents[1], false],
      [residents[2], true],
    ]) {
      const phone = await signIn(browser, number, { javaScriptEnabled: js });
      await phone.goto(path);
      const button = phone.page.getByRole("button", { name: phones.length < 2 ? "报名" : "候补报名", exact: true });
      await button.click();
      await status(phone.page).waitFor();
      phones.push(phone);
    }
    assert.match(await status(phones[0].page).innerText(), /已报名/);
    assert.match(await status(phones[1].page).innerText(), /已报名/);
    assert.match(await status(phones[2].page).innerText(), /候补第1位/);
    await phones[2].screenshot("activity-waiting-phone");
    const seated = queryDb(`SELECT count(*) FROM activity_signups WHERE activity_id = ${id} AND status = 'in'`);
    assert.equal(seated[0][0], 2);

    // The first gives the place up; the one waiting has it after a reload, and a notice.
    await phones[0].page.getByRole("button", { name: "取消报名", exact: true }).click();
    // The place went to the one waiting, so the activity is full again: 候补报名.
    await phones[0].page.getByRole("button", { name: "候补报名", exact: true }).waitFor();
    await phones[2].reload();
    assert.match(await status(phones[2].page).innerText(), /已报名/);
    const told = queryDb(
      `SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
       WHERE a.phone = '${residents[2]}' AND n.kind = 'activity_seat' AND n.link = '${path}'`,
    );
    assert.equal(told[0][0], 1);

    // The admin sees who signed up, by name only.
    await admin.reload();
    const list = admin.page.locator("ol.signups li");
    assert.equal(await list.count(), 2);
    const html = await admin.page.content();
    for (const phone of residents) assert.ok(!html.includes(phone), `the list shows ${phone}`);
    await admin.screenshot("activity-staff-phone");

    for (const phone of [admin, ...phones]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });
});
