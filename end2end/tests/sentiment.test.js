// 民情 end to end on phones: one item through the whole closed loop by four people —
// the micro-grid member records what a resident told her, the grid leader accepts and
// dispatches it to a volunteer, the volunteer reports it handled, the member verifies
// and closes it, and the resident confirms the fix. Then the welfare check: a son who
// cannot reach his father asks from the public page, the grid leader goes and reports.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, newPhone, queryDb, signedInPhone as signIn } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const signedInPhone = (number) => signIn(browser, number);

const stageShown = (page, label) => page.getByRole("status").filter({ hasText: label }).waitFor();
const submit = (page, label) => page.locator("form button[type=submit]", { hasText: label }).first().click();

describe("民情 closed loop", () => {
  test("member records, leader dispatches, volunteer handles, member verifies and closes, resident confirms", async () => {
    const text = `4号楼单元门闭门器坏了 ${Date.now()}`;

    const member = await signedInPhone("13800000006");
    await member.goto("/sentiment/new");
    let page = member.page;
    await page.getByLabel("类别").selectOption("facility");
    await page.getByLabel("地点（楼栋、单元）").selectOption({ label: "幸福锦园4号楼" });
    await page.getByLabel("具体位置（可选）").fill("一单元门口");
    await page.getByLabel("情况描述").fill(text);
    await page.getByLabel(/反映人手机号/).fill("13800000001");
    await page.getByLabel("立即上报网格长").check();
    await member.screenshot("sentiment-new-phone");
    await page.getByRole("button", { name: "提交", exact: true }).click();
    await page.waitForURL((url) => /^\/sentiment\/\d+$/.test(url.pathname));
    const path = new URL(page.url()).pathname;
    const id = Number(path.split("/").pop());
    await stageShown(page, "上报");

    const leader = await signedInPhone("13800000003");
    await leader.goto(path);
    page = leader.page;
    await page.getByRole("button", { name: "立案", exact: true }).click();
    await stageShown(page, "立案");
    // Nothing is chosen for the member, and each kind shows only its own field.
    assert.equal(await page.locator("input[name=handler_kind]:checked").count(), 0);
    assert.equal(await page.locator("#handler-volunteer").isVisible(), false);
    assert.equal(await page.locator("#handler-name").isVisible(), false);
    await page.locator("input[name=handler_kind][value=property]").check();
    assert.equal(await page.locator("#handler-name").isVisible(), true);
    assert.equal(await page.locator("#handler-volunteer").isVisible(), false);
    await page.locator("input[name=handler_kind][value=volunteer]").check();
    assert.equal(await page.locator("#handler-name").isVisible(), false);
    // The volunteers' list narrows as a name is typed.
    const all = await page.locator("#handler-volunteer option").count();
    await page.locator(".handler-volunteer .picker-search").fill("张志");
    await page.waitForFunction((n) => document.querySelectorAll("#handler-volunteer option").length < n, all);
    assert.ok((await page.locator("#handler-volunteer option").allTextContents()).every((t) => t === "—" || t.includes("张志")));
    await page.locator("#handler-volunteer").selectOption({ label: "张志强" });
    await page.getByLabel("处置期限（天）").fill("2");
    await leader.screenshot("sentiment-dispatch-phone");
    await submit(page, "派遣");
    await stageShown(page, "派遣");
    await page.getByText("张志强").first().waitFor();

    const volunteer = await signedInPhone("13800000002");
    await volunteer.goto(path);
    page = volunteer.page;
    await page.getByLabel("说明（处置反馈、原因）").fill("已更换闭门器，门能自动关上了");
    await submit(page, "处置完成");
    await stageShown(page, "处置");

    await member.goto(path);
    page = member.page;
    await page.getByRole("button", { name: "核验通过", exact: true }).click();
    await stageShown(page, "核验");
    await page.getByRole("button", { name: "办结", exact: true }).click();
    await stageShown(page, "办结");
    await page.getByText("已办结，待居民确认").waitFor();

    const resident = await signedInPhone("13800000001");
    // The home page asks the resident for a verdict on the closed item.
    await resident.goto("/");
    await resident.page.getByRole("link", { name: text }).click();
    await resident.page.waitForURL((url) => url.pathname === path);
    await resident.page.waitForFunction(() => document.body?.dataset.hydrated === "true");
    page = resident.page;
    await page.getByLabel("已解决", { exact: true }).check();
    await page.getByLabel("★★★★★", { exact: true }).check();
    await submit(page, "提交");
    await page.getByText("居民确认已解决").waitFor();
    await resident.screenshot("sentiment-confirmed-phone");

    // The timeline has every step with its actor, and the item both facts.
    const lines = queryDb(
      "SELECT l.to_stage, l.kind, p.full_name FROM sentiment_stages l LEFT JOIN accounts a ON a.id = l.actor_id " +
        "LEFT JOIN people p ON p.id = a.person_id WHERE l.item_id = ? ORDER BY l.id",
      id,
    );
    assert.deepEqual(lines, [
      ["reported", "stage", "孙丽"],
      ["accepted", "stage", "陈骏"],
      ["dispatched", "stage", "陈骏"],
      ["handled", "stage", "张志强"],
      ["verified", "stage", "孙丽"],
      ["closed", "stage", "孙丽"],
      ["closed", "confirm", "王秀英"],
    ]);
    const [[stage, resolved, rating, reporter]] = queryDb(
      "SELECT s.stage, s.resident_resolved, s.resident_rating, a.phone FROM sentiment_items s " +
        "JOIN accounts a ON a.id = s.reporter_id WHERE s.id = ?",
      id,
    );
    assert.deepEqual([stage, resolved, rating, reporter], ["closed", 1, 5, "13800000001"]);
    for (const phone of [member, leader, volunteer, resident]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });

  test("a red dispute is at the top of the community admin's home page", async () => {
    const admin = await signedInPhone("13800000004");
    await admin.goto("/");
    const card = admin.page.locator(".sentiment-home");
    await card.getByText("8号楼楼上楼下因装修噪音多次争吵").waitFor();
    await card.locator(".tag.warning-red").first().waitFor();
    await admin.screenshot("sentiment-home-admin-phone");
    admin.assertNoErrors();
    await admin.close();
  });
});

describe("welfare check", () => {
  test("a relative asks without an account and the grid leader sees it at once with the phone, goes and reports", async () => {
    const note = `从中午起一直没接电话 ${Date.now()}`;
    const relative = await newPhone(browser);
    await relative.goto("/");
    await relative.page.getByRole("link", { name: "家中老人联系不上？请网格上门看看" }).click();
    await relative.page.waitForURL((url) => url.pathname === "/welfare");
    await relative.page.waitForFunction(() => document.body?.dataset.hydrated === "true");
    const page = relative.page;
    await page.getByLabel("老人姓名").fill("李建国");
    await page.getByLabel("小区和楼栋（如：朝晖花园10号楼）").fill("朝晖花园10号楼");
    await page.getByLabel("您的手机号").fill("13900000009");
    await page.getByLabel("补充说明（可选）").fill(note);
    await page.getByRole("button", { name: "请网格员上门看看" }).click();
    await page.getByText("已收到您的请求").waitFor();
    await relative.screenshot("welfare-sent-phone");
    const [[id, status, grid]] = queryDb(
      "SELECT w.id, w.status, m.name FROM welfare_checks w JOIN grid_nodes m ON m.id = w.micro_grid_id WHERE w.note = ?",
      note,
    );
    assert.equal(status, "open");
    assert.equal(grid, "连心微网格");
    await page.getByText(`#${id}`).waitFor();
    assert.ok(!(await page.content()).includes("13900000009"), "the public page does not echo the phone");

    // 陈骏骏, the grid leader of 连心网格, has it at the top of his queue with the phone.
    await page.getByText("网格长已收到通知").waitFor();
    const leader = await signedInPhone("13800000007");
    // It is on his home page at once, with the way to handle it.
    await leader.goto("/");
    await leader.page.locator(".welfare-home li", { hasText: "李建国" }).first().waitFor();
    await leader.page.locator(".welfare-home").getByRole("link", { name: "去处理" }).click();
    await leader.page.waitForURL((url) => url.pathname === "/admin/queue");
    const checks = leader.page.locator(".welfare-checks");
    const entry = checks.locator("li", { hasText: note });
    await entry.waitFor();
    await entry.getByRole("link", { name: "13900000009" }).waitFor();
    await leader.screenshot("welfare-queue-phone");
    await entry.getByRole("button", { name: "我去看看" }).click();
    await checks.locator("li", { hasText: note }).getByRole("button", { name: "已确认平安" }).click();
    await checks.locator("li", { hasText: note }).waitFor({ state: "detached" });
    const [[done, by]] = queryDb(
      "SELECT w.status, a.phone FROM welfare_checks w JOIN accounts a ON a.id = w.handled_by WHERE w.id = ?",
      id,
    );
    assert.deepEqual([done, by], ["done", "13800000007"]);

    // A resident does not see the queue.
    const resident = await signedInPhone("13800000009");
    const response = await resident.goto("/admin/queue");
    assert.equal(response.status(), 403);
    relative.assertNoErrors();
    leader.assertNoErrors();
    resident.assertNoErrors({ expectedStatuses: [403] });
    for (const phone of [relative, leader, resident]) await phone.close();
  });
});
