// The grid tree edited by two admins at once: one renames and moves a micro-grid, the
// other sees it live, and an edit made against the old version is refused with a message.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import path from "node:path";
import { LoginPage, SCREENSHOT_DIR, launch, newPhone, poll, queryDb } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("live grid administration", () => {
  test("a rename and a move reach a second admin live; a stale edit is refused", async () => {
    const [[id]] = queryDb("SELECT id FROM grid_nodes WHERE name = '向日葵微网格'");
    const community = await newPhone(browser);
    await new LoginPage(community).signIn("13800000004");
    await community.goto(`/admin/grids?node=${id}`);

    const street = await newPhone(browser);
    await new LoginPage(street).signIn("13800000005");
    await street.goto(`/admin/grids?node=${id}`);

    const c = community.page;
    const s = street.page;
    await s.getByRole("heading", { name: "向日葵微网格", exact: true }).waitFor();
    // Each sees the other in the same subtree (正在编辑).
    await s.locator(".presence", { hasText: "刘芳" }).waitFor();
    await c.locator(".presence", { hasText: "周建华" }).waitFor();
    const oldCode = await s.locator("section .code").first().textContent();

    // The street admin starts typing a new name in the edit sheet...
    await s.locator("summary", { hasText: "编辑" }).click();
    await s.locator("#node-name").fill("向日葵旧名");

    // ...while the community admin renames and moves the micro-grid.
    await c.locator("summary", { hasText: "编辑" }).click();
    await c.locator("#node-name").fill("向日葵联合微网格");
    await c.getByRole("button", { name: "改名", exact: true }).click();
    await c.getByRole("heading", { name: "向日葵联合微网格", exact: true }).waitFor();
    let started = Date.now();
    await s.getByRole("heading", { name: "向日葵联合微网格", exact: true }).waitFor({ timeout: 1_000 });
    console.log(`rename reached the second admin ${Date.now() - started} ms after the first saw it`);

    await c.getByLabel("移动到").selectOption({ label: "祖望新村网格" });
    await c.getByRole("button", { name: "移动", exact: true }).click();
    await c.locator("section .code", { hasNotText: oldCode }).first().waitFor();
    const newCode = await c.locator("section .code").first().textContent();
    started = Date.now();
    await s.locator("section .code", { hasText: newCode }).waitFor({ timeout: 1_000 });
    console.log(`move reached the second admin ${Date.now() - started} ms after the first saw it`);
    assert.notEqual(newCode, oldCode);

    // The live update did not wipe what the street admin is typing; sending it (made against
    // the old version) is refused, shows the current value, and can be sent again on purpose.
    assert.equal(await s.locator("#node-name").inputValue(), "向日葵旧名");
    await street.screenshot("grid-live-second-admin");
    await s.getByRole("button", { name: "改名", exact: true }).click();
    await s.getByText("这个节点刚被其他管理员修改过").first().waitFor();
    await s.locator(".conflict", { hasText: "向日葵联合微网格" }).waitFor();
    let [[name]] = queryDb("SELECT name FROM grid_nodes WHERE id = ?", id);
    assert.equal(name, "向日葵联合微网格", "nothing overwritten silently");
    await s.screenshot({ path: path.join(SCREENSHOT_DIR, "grid-stale-refused.png"), fullPage: true });
    await s.getByRole("button", { name: "按我的修改重新提交" }).click();
    await s.getByRole("heading", { name: "向日葵旧名", exact: true }).waitFor();
    await c.getByRole("heading", { name: "向日葵旧名", exact: true }).waitFor({ timeout: 1_000 });
    [[name]] = queryDb("SELECT name FROM grid_nodes WHERE id = ?", id);
    assert.equal(name, "向日葵旧名");

    // The audit page lists both edits with before and after, filtered by the node.
    await community.goto(`/admin/audit?node=${encodeURIComponent("向日葵")}`);
    // Each entry is a sentence in the reader's language with its changes in words.
    await c.locator("ul.audit > li", { hasText: "移到新的上级下" }).first().waitFor();
    await c.locator("ul.audit > li", { hasText: /将「向日葵.*」改名/ }).first().waitFor();
    await c.locator("ul.audit > li", { hasText: "名称：向日葵联合微网格 → 向日葵旧名" }).first().waitFor();
    assert.ok((await c.locator("ul.audit > li").count()) >= 4, "two renames, the move and the refused stale rename");
    const auditText = await c.locator("ul.audit").innerText();
    assert.ok(!auditText.includes("{") && !auditText.includes("rename_node"), "no JSON or action codes");
    await community.screenshot("grid-audit");

    // Put the micro-grid back under 幸福锦园网格, so later tests find its grid leader.
    await community.goto(`/admin/grids?node=${id}`);
    await c.locator("summary", { hasText: "编辑" }).click();
    await c.getByLabel("移动到").selectOption({ label: "幸福锦园网格" });
    await c.getByRole("button", { name: "移动", exact: true }).click();
    await c.locator("section .code", { hasNotText: newCode }).first().waitFor();
    const [[parent]] = queryDb("SELECT p.name FROM grid_nodes n JOIN grid_nodes p ON p.id = n.parent_id WHERE n.id = ?", id);
    assert.equal(parent, "幸福锦园网格");

    community.assertNoErrors();
    street.assertNoErrors({ expectedStatuses: [409] });
    await community.close();
    await street.close();
  });

  test("on a phone an admin adds, expands, splits and staffs micro-grids from the sheet, and undoes", async () => {
    const [[gridId]] = queryDb("SELECT id FROM grid_nodes WHERE name = '祖望新村网格'");
    const [[stationId]] = queryDb("SELECT id FROM grid_nodes WHERE name = '民情收发站微网格'");
    const admin = await newPhone(browser);
    await new LoginPage(admin).signIn("13800000004");
    const p = admin.page;
    await admin.goto(`/admin/grids?node=${gridId}`);
    await p.locator("summary", { hasText: "编辑" }).click();
    await p.locator("#child-name").fill("试点微网格");
    await p.getByRole("button", { name: "添加下级", exact: true }).click();
    await p.locator(".tree li", { hasText: "试点微网格" }).waitFor();

    // Nodes expand in place: the micro-grid's buildings appear without leaving the page.
    await p.getByRole("button", { name: "展开 民情收发站微网格" }).click();
    const buildings = p.locator(".tree .tree > li");
    await buildings.first().waitFor();
    assert.equal(await buildings.count(), 3);
    await admin.screenshot("grid-tree-expanded");

    // Split: one building goes to a new micro-grid beside it.
    await admin.goto(`/admin/grids?node=${stationId}`);
    await p.locator("summary", { hasText: "编辑" }).click();
    await p.locator("input[name='buildings[]']").first().check();
    await p.locator("#split-name").fill("收发站二组");
    await p.getByRole("button", { name: "拆分微网格", exact: true }).click();
    await poll("the split", () => queryDb("SELECT count(*) FROM grid_nodes WHERE name = '收发站二组'")[0][0] === 1);
    await poll("two buildings left", async () => (await p.locator("ul.areas > li").count()) === 2);
    const [[moved]] = queryDb(
      "SELECT count(*) FROM grid_nodes b JOIN grid_nodes m ON m.id = b.parent_id WHERE m.name = '收发站二组'",
    );
    assert.equal(moved, 1);

    // Staff: a member is added from the people of the community, then undone.
    await p.locator("#staff-person").selectOption({ index: 0 });
    const chosen = (await p.locator("#staff-person option").first().textContent()).split(" ")[0];
    await p.getByRole("button", { name: "指定", exact: true }).click();
    await p.locator(".staff li", { hasText: chosen }).waitFor();
    // The page says in words what the edit did, and after 撤销 what was undone.
    await p.locator(".last-edit", { hasText: "刚才：" }).filter({ hasText: "指派了人员" }).waitFor();
    await admin.screenshot("grid-sheet-staff");
    await p.getByRole("button", { name: "撤销我上一次修改" }).click();
    await p.locator(".staff li", { hasText: chosen }).waitFor({ state: "detached" });
    await p.locator(".last-edit").filter({ hasText: "撤销了对" }).waitFor();
    admin.assertNoErrors();
    await admin.close();
  });

  test("on a desktop an admin drags a building onto another micro-grid", async () => {
    const [[communityId]] = queryDb("SELECT id FROM grid_nodes WHERE name = '祖望社区'");
    const desk = await newPhone(browser, { desktop: true });
    await new LoginPage(desk).signIn("13800000005");
    const p = desk.page;
    await desk.goto(`/admin/grids?node=${communityId}`);
    // Expand both grids, then the source micro-grid, all in place.
    await p.getByRole("button", { name: "展开 幸福锦园网格" }).click();
    await p.getByRole("button", { name: "展开 祖望新村网格" }).click();
    await p.getByRole("button", { name: "展开 红领微网格" }).click();
    const source = p.locator("li", { has: p.getByRole("button", { name: "收起 红领微网格" }) }).last();
    const building = source.locator(".tree > li").first();
    await building.waitFor();
    const name = (await building.locator("strong").first().textContent()).trim();
    const target = p.locator("li", { has: p.getByRole("button", { name: "展开 民情收发站微网格" }) }).last();
    assert.equal(await building.getAttribute("draggable"), "true");
    // The browser's own drag and drop: start on the building, hover the micro-grid, drop.
    const dataTransfer = await p.evaluateHandle(() => new DataTransfer());
    await building.dispatchEvent("dragstart", { dataTransfer });
    await target.dispatchEvent("dragenter", { dataTransfer });
    await target.dispatchEvent("dragover", { dataTransfer });
    await p.locator(".drop-ok").first().waitFor();
    await target.dispatchEvent("drop", { dataTransfer });
    desk.assertNoErrors();
    await poll("the drop", () => {
      const rows = queryDb(
        "SELECT count(*) FROM grid_nodes b JOIN grid_nodes m ON m.id = b.parent_id WHERE b.name = ? AND m.name = '民情收发站微网格'",
        name,
      );
      return rows[0][0] === 1;
    });
    await desk.screenshot("grid-desktop-dragged");
    desk.assertNoErrors();
    await desk.close();
  });
});
