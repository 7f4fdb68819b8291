// The order board end to end: 我需要 on one phone, live boards on two others, 接单,
// and the status following live on the resident's phone. Then the same flow with
// JavaScript disabled, through plain HTML forms.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LoginPage, launch, newPhone, poll } from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function signedInPhone(number, javaScriptEnabled = true) {
  const phone = await newPhone(browser, { javaScriptEnabled });
  await new LoginPage(phone).signIn(number);
  return phone;
}

/** Fills 我需要 and submits; returns the new order's path. */
async function placeOrder(phone, title) {
  const { page } = phone;
  await phone.goto("/board/new");
  await page.getByLabel("服务板块").selectOption("daily_life");
  await page.getByLabel("标题").fill(title);
  await page.getByLabel("详细说明").fill("快递放在小区门口的驿站，腿脚不便");
  await page.getByRole("button", { name: "提交", exact: true }).click();
  await page.waitForURL((url) => /^\/orders\/\d+$/.test(url.pathname));
  if (phone.js) await page.waitForFunction(() => document.body?.dataset.hydrated === "true");
  await page.getByRole("status").filter({ hasText: "待接单" }).waitFor();
  return new URL(page.url()).pathname;
}

/** The order's link in the board's main list (volunteers also see it under 适合我). */
const boardLink = (page, title) => page.getByRole("list", { name: "需求大厅", exact: true }).getByRole("link", { name: title });

async function liveBoard(number) {
  const phone = await signedInPhone(number);
  await phone.goto("/board");
  // The live channel is open once the dot is on.
  await phone.page.locator(".live-dot.on").waitFor();
  return phone;
}

describe("the order board", () => {
  test("a new order reaches open boards live, one volunteer takes it, everyone sees it", async () => {
    const title = `帮忙取快递 ${Date.now()}`;
    const volunteer = await liveBoard("13800000002");
    const other = await liveBoard("13800000010");
    const resident = await signedInPhone("13800000001");

    const orderPath = await placeOrder(resident, title);
    const placedAt = Date.now();

    // Both open boards show it without a reload.
    const link = boardLink(volunteer.page, title);
    await link.waitFor({ timeout: 5_000 });
    await boardLink(other.page, title).waitFor({ timeout: 5_000 });
    console.log(`# order appeared on the open boards ${Date.now() - placedAt} ms after placing`);

    // The volunteer takes it; the resident's contact details appear once they start the
    // service (a taker who only holds the order does not see them yet).
    await link.click();
    await volunteer.page.waitForURL((url) => url.pathname === orderPath);
    await volunteer.page.getByRole("button", { name: "接单", exact: true }).click();
    await volunteer.page.getByRole("status").filter({ hasText: "已接单" }).waitFor();
    const takenAt = Date.now();
    await volunteer.page.getByText("开始服务后，或接单满10分钟后").waitFor();
    assert.equal(await volunteer.page.getByText("13800000001").count(), 0, "no contact before the taker keeps the order");

    // The resident's order page follows without a reload; the other board drops it.
    await resident.page.getByRole("status").filter({ hasText: "已接单" }).waitFor({ timeout: 5_000 });
    console.log(`# the resident saw 已接单 ${Date.now() - takenAt} ms after the take`);
    await poll("the taken order leaves the other board", async () => (await boardLink(other.page, title).count()) === 0, { timeout: 5_000 });

    await volunteer.page.getByRole("button", { name: "开始服务", exact: true }).click();
    await volunteer.page.getByRole("status").filter({ hasText: "服务中" }).waitFor();
    await volunteer.page.getByText("13800000001").waitFor();
    await volunteer.screenshot("order-taken-js");
    await resident.screenshot("order-resident-js");
    for (const phone of [volunteer, other, resident]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });

  test("a second volunteer pressing 接单 on a stale page is told it is taken", async () => {
    const title = `换灯泡 ${Date.now()}`;
    const resident = await signedInPhone("13800000001");
    const orderPath = await placeOrder(resident, title);
    const first = await signedInPhone("13800000011");
    const second = await signedInPhone("13800000012");
    await first.goto(orderPath);
    await second.goto(orderPath);
    await first.page.getByRole("button", { name: "接单", exact: true }).click();
    await first.page.getByRole("status").filter({ hasText: "已接单" }).waitFor();
    // The second page may already have refreshed live; if its button is still there, pressing it explains.
    const button = second.page.getByRole("button", { name: "接单", exact: true });
    if ((await button.count()) > 0) {
      await button.click().catch(() => {});
    }
    await poll(
      "the second volunteer sees the order is taken",
      async () =>
        (await second.page.getByText("该需求已被接单").count()) > 0 ||
        (await second.page.getByRole("status").filter({ hasText: "已接单" }).count()) > 0,
    );
    for (const phone of [resident, first, second]) {
      phone.assertNoErrors({ expectedStatuses: [409] });
      await phone.close();
    }
  });

  test("the whole flow works with JavaScript disabled", async () => {
    const title = `陪同买菜 ${Date.now()}`;
    const resident = await signedInPhone("13800000001", false);
    const orderPath = await placeOrder(resident, title);

    const volunteer = await signedInPhone("13800000013", false);
    await volunteer.goto("/board");
    await boardLink(volunteer.page, title).click();
    await volunteer.page.waitForURL((url) => url.pathname === orderPath);
    const step = async (button, status) => {
      await volunteer.page.getByRole("button", { name: button, exact: true }).click();
      await volunteer.page.getByRole("status").filter({ hasText: status }).waitFor();
    };
    await step("接单", "已接单");
    await step("开始服务", "服务中");
    await volunteer.page.getByLabel("服务时长（分钟）").fill("40");
    await step("完成服务", "待确认");

    await resident.goto(orderPath);
    await resident.page.getByRole("status").filter({ hasText: "待确认" }).waitFor();
    await resident.page.getByLabel("★★★★", { exact: true }).check();
    await resident.page.getByLabel("评价（可选）").fill("非常感谢");
    await resident.page.getByRole("button", { name: "确认完成", exact: true }).click();
    await resident.page.getByRole("status").filter({ hasText: "已完成" }).waitFor();
    await resident.page.getByText("★★★★ 非常感谢").waitFor();
    await resident.screenshot("order-completed-nojs");
    assert.equal(new URL(resident.page.url()).pathname, orderPath);
    for (const phone of [resident, volunteer]) {
      phone.assertNoErrors();
      await phone.close();
    }
  });
});
