// 驿站活动 end to end on phones: the community admin publishes an activity with two places;
// three residents of 祖望社区 sign up (one without JavaScript): two get places, the third
// waits first in line; one of the two gives their place up and the waiting one has it, and
// is told. The same pages in English and in elder mode.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { changeDb, launch, queryDb, signedInPhone as signIn } from "./support.js";

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
    const list = admin.page.locator("#signups ol.signups li");
    assert.equal(await list.count(), 2);
    const html = await admin.page.content();
    for (const phone of residents) assert.ok(!html.includes(phone), `the list shows ${phone}`);
    await admin.screenshot("activity-staff-phone");

    for (const phone of [admin, ...phones]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });

  test("a volunteer checks in with the rotating code and has hours once the organiser confirms", async () => {
    const title = `初心集市 ${Date.now() % 100000}`;
    const admin = await signIn(browser, "13800000004");
    await admin.goto("/activities/new");
    const form = admin.page;
    await form.getByLabel("驿站").selectOption({ label: "向日葵网格服务驿站" });
    await form.getByLabel("活动类型").selectOption("market");
    await form.getByLabel("标题").fill(title);
    await form.getByLabel("开始时间").fill(localAt(2, "09:00"));
    await form.getByLabel("结束时间").fill(localAt(2, "11:00"));
    await form.getByLabel("名额", { exact: true }).fill("5");
    await form.getByRole("button", { name: "发布活动" }).click();
    await form.waitForURL((url) => /^\/activities\/\d+$/.test(url.pathname));
    const path = admin.pathname();
    const id = Number(path.split("/").pop());

    // 张志强 (a volunteer of 向日葵) signs up; then the activity is under way: it started an
    // hour ago and ends in 70 minutes, so check-in is open and checking in within the next
    // ten minutes earns one hour.
    const volunteer = await signIn(browser, "13800000002");
    await volunteer.goto("/me");
    const hoursBefore = Number(await volunteer.page.locator(".card.volunteer .stat:has-text('累计服务时长') strong").innerText());
    await volunteer.goto(path);
    await volunteer.page.getByRole("button", { name: "报名", exact: true }).click();
    await status(volunteer.page).waitFor();
    const now = Math.floor(Date.now() / 1000);
    changeDb(
      `UPDATE activities SET signup_opens_at = ?1 - 7200, signup_closes_at = ?1 - 3600, starts_at = ?1 - 3600,
                             ends_at = ?1 + 4200 WHERE id = ?2`,
      now,
      id,
    );

    // The organiser opens the check-in screen: six digits and a QR code.
    await admin.goto(path);
    await admin.page.getByRole("link", { name: "出示签到码" }).click();
    await admin.page.waitForURL((url) => url.pathname === `${path}/code`);
    const shown = (await admin.page.locator(".checkin-code").innerText()).replace(/\s/g, "");
    assert.match(shown, /^\d{6}$/);
    assert.equal(await admin.page.locator(".qr svg").count(), 1);
    await admin.screenshot("activity-checkin-code-phone");

    // A wrong code is refused in words; the code read out checks in.
    await volunteer.reload();
    const code = volunteer.page.getByLabel("签到码");
    await code.fill(shown === "000000" ? "111111" : "000000");
    await volunteer.page.getByRole("button", { name: "签到", exact: true }).click();
    await volunteer.page.getByText("签到码不对或已过期").waitFor();
    // The code changes every 30 seconds: take the one showing now.
    await admin.reload();
    const current = (await admin.page.locator(".checkin-code").innerText()).replace(/\s/g, "");
    await volunteer.page.getByLabel("签到码").fill(current);
    await volunteer.page.getByRole("button", { name: "签到", exact: true }).click();
    const checkedIn = volunteer.page.locator("#checkin [role=status]");
    await checkedIn.waitFor();
    assert.match(await checkedIn.innerText(), /已签到.*1小时，待确认/s);
    await volunteer.screenshot("activity-checked-in-phone");

    // Pending hours count for nothing; the organiser confirms and they count.
    await volunteer.goto("/me");
    assert.equal(Number(await volunteer.page.locator(".card.volunteer .stat:has-text('累计服务时长') strong").innerText()), hoursBefore);
    await admin.goto(path);
    const row = admin.page.locator("#attendance li", { hasText: "张志强" });
    await row.getByRole("button", { name: "确认时长" }).click();
    await admin.page.locator("#attendance li", { hasText: "1小时，已确认" }).waitFor();
    await admin.screenshot("activity-attendance-phone");
    await volunteer.goto("/me");
    assert.equal(
      Number(await volunteer.page.locator(".card.volunteer .stat:has-text('累计服务时长') strong").innerText()),
      hoursBefore + 1,
    );

    for (const phone of [admin, volunteer]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });
});
