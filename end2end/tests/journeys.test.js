// Journeys a resident, a volunteer and grid staff must be able to finish on a phone:
// following one's own orders (我的订单), reaching the volunteer and cancelling a taken
// order, double taps that succeed once, long text that never widens a page, and a visit
// note that stays with its elder.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, LoginPage, launch, newPhone, poll, queryDb } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Accounts no other file uses, so the take limits and lists here are this file's own.
const RESIDENT = "13800001006"; // 祖望社区, 向日葵微网格 (its station has a phone)
const VOLUNTEER = "13800000014";
const OTHER_VOLUNTEER = "13800000015";

async function signedInPhone(number, javaScriptEnabled = true) {
  const phone = await newPhone(browser, { javaScriptEnabled });
  await new LoginPage(phone).signIn(number);
  return phone;
}

/** Fills 我需要 and submits; returns the new order's path. */
async function placeOrder(phone, title, description = "麻烦帮忙看一下") {
  const { page } = phone;
  await phone.goto("/board/new");
  await page.getByLabel("服务板块").selectOption("daily_life");
  await page.getByLabel("标题").fill(title);
  await page.getByLabel("详细说明").fill(description);
  await page.getByRole("button", { name: "提交", exact: true }).click();
  await page.waitForURL((url) => /^\/orders\/\d+$/.test(url.pathname));
  if (phone.js) await phone.goto(new URL(page.url()).pathname);
  await page.getByRole("status").filter({ hasText: "待接单" }).waitFor();
  return new URL(page.url()).pathname;
}

/** Presses a button of the order page and waits for the status it leads to. */
async function step(phone, button, status) {
  await phone.page.getByRole("button", { name: button, exact: true }).click();
  await phone.page.getByRole("status").filter({ hasText: status }).waitFor();
}

const myList = (page, name) => page.getByRole("list", { name, exact: true });

describe("我的订单", () => {
  test("a resident follows their need on 首页 and 我的, live; the volunteer finds it again under 我接的单", async () => {
    const title = `我的订单 ${Date.now()}`;
    const resident = await signedInPhone(RESIDENT);
    const orderPath = await placeOrder(resident, title);

    // 首页 lists the unfinished need with what happens next.
    await resident.goto("/");
    const onHome = myList(resident.page, "我发布的需求").getByRole("listitem").filter({ hasText: title });
    await onHome.getByText("等待志愿者接单").waitFor();

    // 我的 lists it too, and follows the take without a reload.
    await resident.goto("/me");
    const onMe = myList(resident.page, "我发布的需求").getByRole("listitem").filter({ hasText: title });
    await onMe.getByText("等待志愿者接单").waitFor();

    const volunteer = await signedInPhone(VOLUNTEER);
    await volunteer.goto(orderPath);
    await step(volunteer, "接单", "已接单");
    await onMe.getByText("志愿者已接单，等待上门服务").waitFor({ timeout: 10_000 });
    const takerName = queryDb(
      "SELECT p.full_name FROM people p JOIN accounts a ON a.person_id = p.id WHERE a.phone = ?",
      VOLUNTEER,
    )[0][0];
    await onMe.getByText(takerName).waitFor();

    // The volunteer finds it on their own 首页 and 我的, marked as theirs to do, and goes on from there.
    await volunteer.goto("/");
    const taken = myList(volunteer.page, "我接的单").getByRole("listitem").filter({ hasText: title });
    await taken.getByText("待我处理").waitFor();
    await volunteer.goto("/me");
    await taken.getByText("到达后请点“开始服务”").waitFor();
    await taken.getByRole("link", { name: title }).click();
    await volunteer.page.waitForURL((url) => url.pathname === orderPath);
    await volunteer.goto(orderPath);
    await step(volunteer, "开始服务", "服务中");
    await volunteer.page.getByLabel("服务时长（分钟）").fill("30");
    await step(volunteer, "完成服务", "待确认");

    // The resident's 我的 asks them to confirm, live.
    await onMe.getByText("服务已完成，请确认并评价").waitFor({ timeout: 10_000 });
    await onMe.getByText("待我处理").waitFor();
    await resident.screenshot("my-orders-resident");
    await volunteer.screenshot("my-orders-volunteer");
    for (const phone of [resident, volunteer]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });

  test("without JavaScript 我的 lists the person's orders with their next step", async () => {
    const title = `无脚本订单 ${Date.now()}`;
    const resident = await signedInPhone(RESIDENT, false);
    await placeOrder(resident, title);
    await resident.goto("/me");
    await myList(resident.page, "我发布的需求").getByRole("listitem").filter({ hasText: title })
      .getByText("等待志愿者接单").waitFor();
    resident.assertNoErrors();
    await resident.close();
  });
});

describe("after a volunteer took the need", () => {
  test("the resident sees who took it and how to call, and may cancel with a reason the volunteer is told", async () => {
    const title = `取消已接单 ${Date.now()}`;
    const resident = await signedInPhone(RESIDENT);
    const orderPath = await placeOrder(resident, title);
    const volunteer = await signedInPhone(OTHER_VOLUNTEER);
    await volunteer.goto(orderPath);
    await step(volunteer, "接单", "已接单");

    await resident.goto(orderPath);
    const contact = resident.page.getByRole("region", { name: "联系接单志愿者" });
    await contact.waitFor();
    const takerName = queryDb(
      "SELECT p.full_name FROM people p JOIN accounts a ON a.person_id = p.id WHERE a.phone = ?",
      OTHER_VOLUNTEER,
    )[0][0];
    await contact.getByText(takerName).waitFor();
    await contact.getByRole("link", { name: /打电话给驿站/ }).waitFor();
    // The resident's own room and phone are not shown back to them as "contact".
    assert.equal(await resident.page.getByText(RESIDENT).count(), 0, "the resident's own number is not shown as a contact");

    // Cancelling a taken order needs a reason, which reaches the volunteer.
    await resident.page.locator("summary", { hasText: "取消需求" }).click();
    await resident.page.getByText("志愿者已接单，取消时请写明原因").waitFor();
    await resident.page.getByLabel("原因").fill("家里人已经帮忙修好了");
    await resident.page.locator("form button[type=submit]", { hasText: "取消需求" }).click();
    await resident.page.getByRole("status").filter({ hasText: "已取消" }).waitFor();
    const id = Number(orderPath.split("/").pop());
    const notices = queryDb(
      "SELECT json_extract(n.args_json, '$.reason') FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE a.phone = ? AND n.kind = 'order_cancelled' AND n.link = ?",
      OTHER_VOLUNTEER,
      `/orders/${id}`,
    );
    assert.equal(notices.length, 1, "the volunteer is told once");
    assert.match(notices[0][0], /家里人已经帮忙修好了/);
    await resident.screenshot("order-cancelled-after-take");
    for (const phone of [resident, volunteer]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });

  test("a double tap on 接单 and on 确认完成 shows success, not an error", async () => {
    const title = `双击接单 ${Date.now()}`;
    const resident = await signedInPhone(RESIDENT);
    const orderPath = await placeOrder(resident, title);
    const volunteer = await signedInPhone(VOLUNTEER);
    await volunteer.goto(orderPath);
    await volunteer.page.getByRole("button", { name: "接单", exact: true }).dblclick();
    await volunteer.page.getByRole("status").filter({ hasText: "已接单" }).waitFor();
    // Give a late second answer time to arrive, then look for a red message.
    await volunteer.page.waitForTimeout(1_000);
    assert.equal(await volunteer.page.getByRole("alert").count(), 0, "no error after a successful take");
    await step(volunteer, "开始服务", "服务中");
    await volunteer.page.getByLabel("服务时长（分钟）").fill("20");
    await step(volunteer, "完成服务", "待确认");

    await resident.goto(orderPath);
    await resident.page.getByLabel("★★★★★", { exact: true }).check();
    await resident.page.getByRole("button", { name: "确认完成", exact: true }).dblclick();
    await resident.page.getByRole("status").filter({ hasText: "已完成" }).waitFor();
    await resident.page.waitForTimeout(1_000);
    assert.equal(await resident.page.getByRole("alert").count(), 0, "no error after a successful confirm");
    const id = Number(orderPath.split("/").pop());
    const takes = queryDb("SELECT count(*) FROM order_events WHERE order_id = ? AND to_status = 'taken'", id)[0][0];
    const confirms = queryDb("SELECT count(*) FROM order_events WHERE order_id = ? AND to_status = 'completed'", id)[0][0];
    assert.deepEqual([takes, confirms], [1, 1], "each step written once");
    for (const phone of [resident, volunteer]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });
});

describe("long text", () => {
  test("one long unbroken word or a pasted URL never makes a page scroll sideways", async () => {
    const word = `长${"A".repeat(56)}${Date.now() % 100}`.slice(0, 60);
    const url = `https://example.com/${"x".repeat(300)}`;
    const resident = await signedInPhone(RESIDENT);
    const orderPath = await placeOrder(resident, word, url);
    for (const path of ["/board", orderPath, "/", "/me"]) {
      await resident.goto(path);
      await resident.page.getByText(word.slice(0, 20)).first().waitFor();
      const widths = await resident.page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth,
      }));
      assert.ok(widths.page <= widths.view, `${path} is ${widths.page} px wide on a ${widths.view} px screen`);
    }
    await resident.goto(orderPath);
    await resident.screenshot("long-word-order");
    resident.assertNoErrors();
    await resident.close();
  });
});

describe("elder visits", () => {
  test("a note typed on one elder's card stays with that elder when the list re-sorts, and is saved for them", async () => {
    const staff = await signedInPhone("13800000004"); // community admin of 祖望社区
    await staff.goto("/elders");
    const cards = staff.page.locator("li.elder");
    await poll("at least two elders on the register", async () => (await cards.count()) >= 2);
    const names = (await cards.locator("h3").allInnerTexts()).map((n) => n.trim());
    const [firstName, secondName] = names;
    const card = (name) => cards.filter({ has: staff.page.getByRole("heading", { name, exact: true }) });
    const noteBox = (name) => card(name).getByLabel("探访记录（可选）");
    const visitsOf = (name, note) =>
      queryDb(
        "SELECT count(*) FROM visit_logs v JOIN people p ON p.id = v.elder_id WHERE p.full_name = ? AND v.note = ?",
        name,
        note,
      )[0][0];

    // A note typed on the second card; meanwhile the first elder's visit is logged and
    // moves to the end of the list.
    const note = `血压正常，精神好 ${Date.now()}`;
    await noteBox(secondName).fill(note);
    await card(firstName).getByRole("button", { name: "平安", exact: true }).click();
    await poll("the first elder moves down the list", async () =>
      ((await cards.locator("h3").allInnerTexts()).map((n) => n.trim()).indexOf(firstName)) > 0 || names.length < 2,
    );
    await poll("the note is still on the second elder's card", async () => (await noteBox(secondName).inputValue()) === note);
    assert.equal(await noteBox(firstName).inputValue(), "", "the first elder's box is empty");

    // Saving it logs it for the second elder and empties the box; no other card holds it.
    await card(secondName).getByRole("button", { name: "平安", exact: true }).click();
    await poll("the note is logged for the second elder", async () => visitsOf(secondName, note) === 1);
    await poll("no note box on the register holds the saved note", async () => {
      const values = await staff.page.locator("li.elder textarea[name=note]").evaluateAll((els) => els.map((e) => e.value));
      return values.length > 0 && values.every((v) => v !== note);
    });
    assert.equal(queryDb("SELECT count(*) FROM visit_logs WHERE note = ?", note)[0][0], 1, "saved once, for one elder");
    await staff.screenshot("elders-after-visit");
    staff.assertNoErrors();
    await staff.close();
  });
});

describe("signed out", () => {
  test("the home page asks a visitor to sign in instead of showing an empty list and a board that answers 401", async () => {
    const visitor = await newPhone(browser);
    await visitor.goto("/");
    await visitor.page.getByRole("link", { name: "登录", exact: true }).first().waitFor();
    assert.equal(await visitor.page.getByText("暂时没有待接单的需求").count(), 0, "no empty list under a count");
    assert.equal(await visitor.page.getByRole("link", { name: "去需求大厅看看" }).count(), 0, "no link to a 401 page");
    await visitor.page.getByText("数据范围：全市").waitFor();
    await visitor.page.getByRole("link", { name: "登录", exact: true }).first().click();
    await visitor.page.waitForURL((url) => url.pathname === "/login");
    visitor.assertNoErrors();
    await visitor.close();
  });
});

describe("民情 handed to a volunteer", () => {
  test("the volunteer finds an item dispatched to them on their 民情 page and home, and handles it", async () => {
    const HANDLER = "13800000016";
    const [[itemId, version]] = queryDb(
      "SELECT id, version FROM sentiment_items WHERE description LIKE '8号楼楼上楼下因装修噪音%' AND stage = 'accepted'",
    );
    const [[handlerAccount]] = queryDb("SELECT id FROM accounts WHERE phone = ?", HANDLER);
    const leader = await signedInPhone("13800000003");
    const res = await leader.page.request.post("/api/sentiment_step", {
      headers: { Origin: new URL(leader.page.url()).origin },
      form: {
        id: String(itemId),
        version: String(version),
        step: "dispatch",
        handler_kind: "volunteer",
        handler_volunteer: String(handlerAccount),
        days: "3",
      },
    });
    assert.equal(res.status(), 200, await res.text());

    const volunteer = await signedInPhone(HANDLER);
    const onHome = volunteer.page.getByRole("list", { name: "交给我处置的民情" }).getByRole("link", { name: /装修噪音/ });
    await onHome.waitFor();
    await volunteer.goto("/sentiment");
    await volunteer.page.getByRole("heading", { name: "交给我处置的民情" }).waitFor();
    await volunteer.page.getByRole("link", { name: /装修噪音/ }).first().click();
    await volunteer.page.waitForURL((url) => url.pathname === `/sentiment/${itemId}`);
    await volunteer.page.locator("form button[type=submit]", { hasText: "处置完成" }).first().waitFor();
    await volunteer.screenshot("sentiment-handed-to-volunteer");
    for (const phone of [leader, volunteer]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });
});

describe("Open311 keys", () => {
  test("two keys of the same label are told apart, the new key can be copied, and the label is cleared", async () => {
    const admin = await signedInPhone("13800000004");
    await admin.goto("/admin/open311");
    const label = admin.page.getByLabel("密钥用途");
    const issue = admin.page.getByRole("button", { name: "签发密钥", exact: true });
    for (let i = 0; i < 2; i++) {
      await label.fill("12345热线对接");
      await issue.click();
      await admin.page.getByRole("button", { name: "复制密钥" }).waitFor();
      await poll("the label is cleared after issuing", async () => (await label.inputValue()) === "");
    }
    // The list refetches after each key; both are on it once it has.
    const listed = admin.page.locator("ul.open311-keys li", { hasText: "12345热线对接" }).locator("code");
    await poll("both keys listed", async () => (await listed.count()) === 2);
    const prints = await listed.allInnerTexts();
    assert.notEqual(prints[0], prints[1], "their fingerprints differ");
    await admin.screenshot("open311-two-keys");
    admin.assertNoErrors();
    await admin.close();
  });
});

describe("grid editor", () => {
  test("a double-tapped 添加下级 adds one node; deleting asks first and goes on at the parent", async () => {
    const [[grid]] = queryDb("SELECT id FROM grid_nodes WHERE name = '祖望新村网格'");
    const admin = await signedInPhone("13800000004");
    await admin.goto(`/admin/grids?node=${grid}`);
    const page = admin.page;
    const name = `双击新建${Date.now() % 100000}`;
    await page.locator("summary", { hasText: "编辑" }).click();
    await page.locator("#child-name").fill(name);
    await page.getByRole("button", { name: "添加下级", exact: true }).dblclick();
    await poll("the new node is stored", async () => queryDb("SELECT count(*) FROM grid_nodes WHERE name = ?", name)[0][0] > 0);
    await page.waitForTimeout(1_000);
    assert.equal(queryDb("SELECT count(*) FROM grid_nodes WHERE name = ?", name)[0][0], 1, "one node for a double tap");

    // Moving with nothing chosen moves nothing (the choice is required).
    const [[child]] = queryDb("SELECT id FROM grid_nodes WHERE name = ?", name);
    await admin.goto(`/admin/grids?node=${child}`);
    await page.getByRole("heading", { name, exact: true }).waitFor();
    await page.locator("summary", { hasText: "编辑" }).click();
    assert.equal(await page.getByLabel("移动到").inputValue(), "", "no move target preselected");

    // 删除 opens a confirmation; confirming lands on the parent, not a 404.
    await page.locator("summary", { hasText: "删除" }).click();
    await page.getByRole("button", { name: "确认删除", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("node") === String(grid));
    await page.getByRole("heading", { name: "祖望新村网格", exact: true }).waitFor();
    assert.equal(queryDb("SELECT count(*) FROM grid_nodes WHERE name = ?", name)[0][0], 0);
    // The editor's refetch of the deleted node races the move to its parent and gets a 404
    // it does not show; nothing else may go wrong.
    admin.assertNoErrors({ expectedStatuses: [404] });
    await admin.close();
  });
});

describe("代下单 for a resident without a phone", () => {
  for (const javaScriptEnabled of [true, false]) {
    test(`staff register her by name and room and place her need at her home (${javaScriptEnabled ? "hydrated" : "no JavaScript"})`, async () => {
      const member = await signedInPhone("13800000006", javaScriptEnabled);
      const { page } = member;
      const name = `无手机阿婆${Date.now() % 100000}`;
      await member.goto("/board/new");
      await page.locator("summary", { hasText: "居民没有手机" }).click();
      await page.getByLabel("居民姓名").fill(name);
      await page.getByLabel("楼栋单元").selectOption({ index: 1 });
      await page.getByLabel("房号").fill("1203");
      await page.getByRole("button", { name: "登记并选择该居民", exact: true }).click();
      // Back on 我需要 with her chosen, her home in the choice.
      await page.waitForURL((url) => url.searchParams.has("for"));
      const picker = page.getByLabel("代居民下单：选择居民（可选）");
      await poll("she is chosen", async () => (await picker.locator("option:checked").textContent()).includes(name));
      assert.match(await picker.locator("option:checked").textContent(), /1203（无手机）/);
      if (javaScriptEnabled) {
        // The list of the area's residents narrows to the name typed; she stays chosen.
        const all = await picker.locator("option").count();
        await page.getByLabel("筛选：输入姓名或楼栋").first().fill(name);
        await poll("the list narrows to her", async () => (await picker.locator("option").count()) < all);
        const shown = (await picker.locator("option").allTextContents()).filter((t) => t !== "不代下单，为我自己");
        assert.ok(shown.length >= 1 && shown.every((t) => t.includes(name)), shown.join(" | "));
        assert.match(await picker.locator("option:checked").textContent(), new RegExp(name));
      } else {
        assert.equal(await page.locator(".picker-search").first().isVisible(), false, "no filter box that cannot work");
      }
      const title = `代下单买药 ${Date.now()}`;
      await page.getByLabel("服务板块").selectOption("health");
      await page.getByLabel("标题").fill(title);
      await page.getByRole("button", { name: "提交", exact: true }).click();
      await page.waitForURL((url) => /^\/orders\/\d+$/.test(url.pathname));
      await page.getByText("由网格员代下单").waitFor();
      const [[requester, room, phone, building, home]] = queryDb(
        `SELECT p.full_name, o.room, o.contact_phone, o.building_id, p.building_id
         FROM service_orders o JOIN people p ON p.id = o.requester_id WHERE o.title = ?`,
        title,
      );
      assert.deepEqual([requester, room, phone, building], [name, "1203", "13800000006", home]);
      await member.screenshot(`on-behalf-phoneless-${javaScriptEnabled ? "js" : "nojs"}`);
      member.assertNoErrors();
      await member.close();
    });
  }
});

describe("without JavaScript", () => {
  test("a need refused by the server comes back with what was typed and the error", async () => {
    const resident = await signedInPhone(RESIDENT, false);
    const { page } = resident;
    const title = `无脚本需求 ${Date.now()}`;
    await resident.goto("/board/new");
    await page.getByLabel("服务板块").selectOption("health");
    await page.getByLabel("标题").fill(title);
    await page.getByLabel("详细说明").fill("下午两点后在家，麻烦帮忙取药");
    await page.getByLabel("紧急").check();
    // An end before the start: only the server can tell.
    await page.locator("#window_start").fill("2030-01-10T10:00");
    await page.locator("#window_end").fill("2030-01-10T09:00");
    await page.getByRole("button", { name: "提交", exact: true }).click();
    await page.getByText("结束时间不能早于开始时间").waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, "/board/new", "the form's own address");
    assert.equal(await page.getByLabel("标题").inputValue(), title);
    assert.equal(await page.getByLabel("详细说明").inputValue(), "下午两点后在家，麻烦帮忙取药");
    assert.equal(await page.getByLabel("服务板块").inputValue(), "health");
    assert.ok(await page.getByLabel("紧急").isChecked(), "the urgency is kept");
    assert.equal(await page.locator("#window_start").inputValue(), "2030-01-10T10:00");
    await resident.screenshot("nojs-need-refused-kept");
    // Corrected and sent again, it is placed once.
    await page.locator("#window_end").fill("2030-01-10T12:00");
    await page.getByRole("button", { name: "提交", exact: true }).click();
    await page.waitForURL((url) => /^\/orders\/\d+$/.test(url.pathname));
    assert.equal(queryDb("SELECT count(*) FROM service_orders WHERE title = ?", title)[0][0], 1);
    await resident.close();
  });

  test("a welfare request refused for its phone keeps the rest", async () => {
    const relative = await newPhone(browser, { javaScriptEnabled: false });
    const { page } = relative;
    await relative.goto("/welfare");
    await page.getByLabel("老人姓名").fill("李建国");
    await page.getByLabel("小区和楼栋（如：朝晖花园10号楼）").fill("朝晖花园10号楼");
    await page.getByLabel("您的手机号").fill("12345");
    await page.getByLabel("补充说明（可选）").fill("早上起一直没接电话");
    await page.getByRole("button", { name: "请网格员上门看看" }).click();
    await page.getByText("手机号格式不正确").first().waitFor();
    assert.ok(!page.url().includes("__"), `no internals in the address: ${page.url()}`);
    assert.equal(await page.getByLabel("老人姓名").inputValue(), "李建国");
    assert.equal(await page.getByLabel("小区和楼栋（如：朝晖花园10号楼）").inputValue(), "朝晖花园10号楼");
    assert.equal(await page.getByLabel("补充说明（可选）").inputValue(), "早上起一直没接电话");
    assert.equal(await page.getByLabel("您的手机号").inputValue(), "", "a visitor's phone is not kept");
    await relative.close();
  });

  test("the grid editor renames a node and the tree's + opens a node", async () => {
    const admin = await signedInPhone("13800000004", false);
    const { page } = admin;
    const [[id, name]] = queryDb("SELECT id, name FROM grid_nodes WHERE name = '祖望新村网格'");
    await admin.goto(`/admin/grids?node=${id}`);
    await page.locator("summary", { hasText: "编辑" }).click();
    assert.equal(await page.locator("#node-name").inputValue(), name, "the form holds the current name");
    await page.locator("#node-name").fill("祖望新村网格（无脚本）");
    await page.getByRole("button", { name: "改名", exact: true }).click();
    await page.getByRole("heading", { name: "祖望新村网格（无脚本）", exact: true }).waitFor();
    assert.equal(queryDb("SELECT name FROM grid_nodes WHERE id = ?", id)[0][0], "祖望新村网格（无脚本）");
    await page.locator("summary", { hasText: "编辑" }).click();
    await page.locator("#node-name").fill(name);
    await page.getByRole("button", { name: "改名", exact: true }).click();
    await page.getByRole("heading", { name, exact: true }).waitFor();

    // "+" on a node of the tree is a link to that node, with its children listed.
    await admin.goto("/admin/grids");
    const plus = page.locator("a.expand").first();
    const target = new URL(await plus.getAttribute("href"), "http://localhost").searchParams.get("node");
    await plus.click();
    await page.waitForURL((url) => url.searchParams.get("node") === target);
    await admin.close();
  });
});

describe("elder mode in English", () => {
  test("large English text squeezes no order fact and the photo picker stays on the screen", async () => {
    const member = await signedInPhone("13800000006");
    const { page } = member;
    await page.context().addCookies([
      { name: "gs_lang", value: "en", url: BASE_URL },
      { name: "gs_elder", value: "1", url: BASE_URL },
    ]);
    const onScreen = async (what) => {
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth,
      }));
      assert.ok(widths.page <= widths.view, `${what}: ${widths.page} px wide on a ${widths.view} px screen`);
    };
    // An order's facts: every value keeps at least a third of the list's width.
    // The member's own micro-grid (another test renames it, so it is found by role).
    const [[micro]] = queryDb(
      `SELECT r.node_id FROM role_assignments r JOIN accounts a ON a.id = r.account_id
       WHERE a.phone = '13800000006' AND r.role = 'micro_grid_member'`,
    );
    const [[order]] = queryDb("SELECT id FROM service_orders WHERE micro_grid_id = ? ORDER BY id LIMIT 1", micro);
    await member.goto(`/orders/${order}`);
    const facts = page.locator("dl.facts").first();
    await facts.waitFor();
    const narrowest = await facts.evaluate((dl) => {
      const values = [...dl.querySelectorAll("dd")].map((dd) => dd.getBoundingClientRect().width);
      return Math.min(...values) / dl.getBoundingClientRect().width;
    });
    assert.ok(narrowest >= 0.33, `a value got only ${Math.round(narrowest * 100)} % of the width`);
    await onScreen("the order page");
    await member.screenshot("elder-english-order");
    // A 民情 item's photo picker fits inside the screen.
    const [[item]] = queryDb(
      `SELECT i.id FROM sentiment_items i WHERE i.micro_grid_id = ? AND i.stage NOT IN ('closed', 'voided')
         AND (SELECT count(*) FROM sentiment_photos p WHERE p.item_id = i.id) < 3
       ORDER BY i.id LIMIT 1`,
      micro,
    );
    await member.goto(`/sentiment/${item}`);
    const picker = page.locator("input[type=file]");
    await picker.waitFor();
    const right = await picker.evaluate((el) => el.getBoundingClientRect().right);
    const view = await page.evaluate(() => document.documentElement.clientWidth);
    assert.ok(right <= view, `the photo picker ends at ${right} px on a ${view} px screen`);
    await onScreen("the item page");
    await member.screenshot("elder-english-photo");
    await member.close();
  });
});

describe("民情 photos", () => {
  const png = (name) => ({
    name,
    mimeType: "image/png",
    buffer: Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    ),
  });

  test("photos picked in the 记录民情 form are saved with the item; a wrong file comes back to the item with the reason", async () => {
    const member = await signedInPhone("13800000006");
    const { page } = member;
    const text = `照片随记录一起提交 ${Date.now()}`;
    await member.goto("/sentiment/new");
    await page.getByLabel("类别").selectOption("facility");
    await page.getByLabel("地点（楼栋、单元）").selectOption({ label: "幸福锦园4号楼" });
    await page.getByLabel("情况描述").fill(text);
    await page.getByLabel("上传照片（最多3张）").setInputFiles([png("a.png"), png("b.png")]);
    await page.getByRole("button", { name: "提交", exact: true }).click();
    await page.waitForURL((url) => /^\/sentiment\/\d+$/.test(url.pathname));
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    await page.locator(".photos img").nth(1).waitFor();
    assert.equal(queryDb("SELECT count(*) FROM sentiment_photos WHERE item_id = ?", id)[0][0], 2);
    assert.equal(queryDb("SELECT description FROM sentiment_items WHERE id = ?", id)[0][0], text);

    // A file that is not a photo: back on the item, with the reason and the tab bar.
    await page.getByLabel("上传照片（最多3张）").setInputFiles({ name: "note.jpg", mimeType: "image/jpeg", buffer: Buffer.from("not a photo") });
    await page.getByRole("button", { name: "上传", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("photo_error") === "ErrPhotoType");
    await page.getByRole("alert").filter({ hasText: "照片只能是 JPEG、PNG 或 WebP 格式" }).waitFor();
    await page.getByRole("navigation", { name: "主导航" }).waitFor();
    await member.screenshot("photo-refused");
    assert.equal(queryDb("SELECT count(*) FROM sentiment_photos WHERE item_id = ?", id)[0][0], 2);
    member.assertNoErrors();
    await member.close();
  });
});

describe("指派", () => {
  test("the leader's queue card says whom it was sent to; the volunteer finds it on 首页 and accepts it there", async () => {
    const leader = await signedInPhone("13800000003"); // grid leader of 幸福锦园网格
    await leader.goto("/admin/queue");
    const forms = leader.page.locator("li.dispatch");
    await forms.last().waitFor();
    const before = queryDb("SELECT coalesce(max(id), 0) FROM order_dispatches")[0][0];
    await forms.last().getByRole("button", { name: "指派", exact: true }).click();
    await poll("the dispatch is stored", async () => queryDb("SELECT count(*) FROM order_dispatches WHERE id > ?", before)[0][0] === 1);
    const [[order, name, phone, title]] = queryDb(
      `SELECT d.order_id, p.full_name, p.phone, o.title FROM order_dispatches d
       JOIN people p ON p.id = d.volunteer_id JOIN service_orders o ON o.id = d.order_id WHERE d.id > ?`,
      before,
    );
    await leader.page.locator("li.dispatch .waiting", { hasText: name }).waitFor();
    await leader.page.getByText("等待志愿者回复").first().waitFor();
    await leader.screenshot("queue-dispatched-waiting");

    const volunteer = await signedInPhone(phone);
    await volunteer.goto("/");
    const mine = volunteer.page.locator(".dispatched");
    await mine.getByRole("heading", { name: "指派给我" }).waitFor();
    await mine.getByText(title).first().waitFor();
    await volunteer.screenshot("home-dispatched-to-me");
    await mine.getByRole("button", { name: "接受", exact: true }).first().click();
    await volunteer.page.waitForURL((url) => url.pathname === `/orders/${order}`);
    assert.equal(queryDb("SELECT status FROM service_orders WHERE id = ?", order)[0][0], "taken");
    for (const phone of [leader, volunteer]) phone.assertNoErrors();
    await leader.close();
    await volunteer.close();
  });
});

describe("form errors", () => {
  test("a refused need puts the focus on the first field to fix", async () => {
    const resident = await signedInPhone(RESIDENT);
    const { page } = resident;
    await resident.goto("/board/new");
    await page.getByLabel("服务板块").selectOption("daily_life");
    await page.getByLabel("标题").fill(`焦点测试 ${Date.now()}`);
    await page.locator("#window_start").fill("2030-01-10T10:00");
    await page.locator("#window_end").fill("2030-01-10T09:00");
    await page.getByRole("button", { name: "提交", exact: true }).click();
    await page.getByText("结束时间不能早于开始时间").waitFor();
    await poll("the end time has the focus", async () => page.evaluate(() => document.activeElement?.id === "window_end"));
    resident.assertNoErrors({ expectedStatuses: [422] });
    await resident.close();
  });
});
