// The grid tree edited by two admins at once: one renames and moves a micro-grid, the
// other sees it live, and an edit made against the old version is refused with a message.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import path from "node:path";
import { LoginPage, SCREENSHOT_DIR, launch, newPhone, queryDb } from "./support.js";

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
    await community.goto(`/admin?node=${id}`);

    const street = await newPhone(browser);
    await new LoginPage(street).signIn("13800000005");
    await street.goto(`/admin?node=${id}`);
    // The same admin also has a tab whose live channel is down (a weak network): its
    // form still carries the version it was rendered with.
    const stale = await street.context.newPage();
    await stale.route("**/api/events", (route) => route.abort());
    await stale.goto(`/admin?node=${id}`);
    await stale.waitForFunction(() => document.body?.dataset.hydrated === "true");

    const c = community.page;
    const s = street.page;
    await s.getByRole("heading", { name: "向日葵微网格", exact: true }).waitFor();
    const oldCode = await s.locator("section .code").first().textContent();

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
    await street.screenshot("grid-live-second-admin");

    // The stale tab still shows the old name and version; its edit is refused, not applied.
    await stale.getByRole("heading", { name: "向日葵微网格", exact: true }).waitFor();
    await stale.locator("#node-name").fill("向日葵旧名");
    await stale.getByRole("button", { name: "改名", exact: true }).click();
    await stale.getByText("这个节点刚被其他管理员修改过").first().waitFor();
    const [[name]] = queryDb("SELECT name FROM grid_nodes WHERE id = ?", id);
    assert.equal(name, "向日葵联合微网格");
    await stale.screenshot({ path: path.join(SCREENSHOT_DIR, "grid-stale-refused.png"), fullPage: true });

    // The audit page lists both edits with before and after, filtered by the node.
    await community.goto(`/admin/audit?node=${encodeURIComponent("向日葵")}`);
    await c.locator("li", { hasText: "move_node" }).first().waitFor();
    await c.locator("li", { hasText: "rename_node" }).first().waitFor();
    assert.ok((await c.locator("ul.audit li").count()) >= 3, "rename, move and the refused stale rename");
    await community.screenshot("grid-audit");

    community.assertNoErrors();
    street.assertNoErrors();
    await community.close();
    await street.close();
  });
});
