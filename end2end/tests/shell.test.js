// The app shell: sign-in per role, tab bar, language and elder-mode preferences,
// sign-out, error pages and client-side navigation.
// Every test runs twice: hydrated (JavaScript on) and as plain server-rendered HTML forms.
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DEMO_ACCOUNTS,
  LoginPage,
  elderState,
  expectTabs,
  launch,
  mainNav,
  newPhone,
  poll,
  signInAs,
  waitForHtmlLang,
} from "./support.js";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "js" : "nojs";

  describe(`app shell, ${javaScriptEnabled ? "hydrated" : "JavaScript disabled"}`, () => {
    let phone;
    let page;
    beforeEach(async () => {
      phone = await newPhone(browser, { javaScriptEnabled });
      page = phone.page;
    });
    afterEach(async () => {
      await phone?.close();
    });

    for (const { role, phone: number, label, staff } of DEMO_ACCOUNTS) {
      test(`${role} signs in, sees ${staff ? "the admin tab" : "no admin tab"} and the role ${label} on /me`, async () => {
        await new LoginPage(phone).signIn(number);
        await expectTabs(page, { staff });
        await phone.screenshot(`${role}-${mode}-home`);

        await phone.goto("/me");
        await page.getByText(label, { exact: true }).first().waitFor();
        await expectTabs(page, { staff });
        await phone.screenshot(`${role}-${mode}-me`);
        phone.assertNoErrors();
      });
    }

    test("a wrong password is refused and the visitor stays signed out", async () => {
      await new LoginPage(phone).submit(DEMO_ACCOUNTS[0].phone, "not-the-password");
      await page.getByText("手机号或密码不正确").waitFor();
      assert.equal(phone.pathname(), "/login");

      await phone.goto("/me");
      await page.getByRole("link", { name: "登录", exact: true }).waitFor();
      // The refused sign-in is answered 401 (with the message in the body): Chromium
      // logs that status for the hydrated call, and only that is allowed here.
      phone.assertNoErrors({ expectedStatuses: [401] });
    });

    async function switchToEnglishAndBack() {
      await phone.goto("/me");
      await expectTabs(page);

      await page.getByRole("button", { name: "English", exact: true }).click();
      await waitForHtmlLang(page, "en");
      await expectTabs(page, { lang: "en" });

      await phone.reload();
      await waitForHtmlLang(page, "en");
      await expectTabs(page, { lang: "en" });

      await page.getByRole("button", { name: "中文", exact: true }).click();
      await waitForHtmlLang(page, "zh-CN");
      await expectTabs(page);
      phone.assertNoErrors();
    }

    test("an anonymous visitor switches to English and back", async () => {
      await switchToEnglishAndBack();
    });

    test("a signed-in resident switches to English and back", async () => {
      await signInAs(phone, "resident");
      await switchToEnglishAndBack();
    });

    test("elder mode enlarges the text and is remembered across a reload", async () => {
      await signInAs(phone, "resident");
      await phone.goto("/me");
      const normal = await elderState(page);
      assert.equal(normal.elder, false, "elder mode starts off");

      await page.getByRole("button", { name: "开启长辈模式", exact: true }).click();
      const enlarged = await poll("elder mode with a larger body font", async () => {
        const state = await elderState(page);
        return state.elder && state.fontSize > normal.fontSize && state;
      });

      await phone.reload();
      assert.deepEqual(await elderState(page), enlarged, "elder mode survives a reload");

      await page.getByRole("button", { name: "关闭长辈模式", exact: true }).click();
      await poll("elder mode off with the normal body font", async () => {
        const state = await elderState(page);
        return !state.elder && state.fontSize === normal.fontSize;
      });
      await page.getByRole("button", { name: "开启长辈模式", exact: true }).waitFor();
      phone.assertNoErrors();
    });

    test("signing out from /me", async () => {
      await signInAs(phone, "resident");
      await phone.goto("/me");
      const signOut = page.getByRole("button", { name: "退出登录", exact: true });
      await signOut.click();
      await signOut.waitFor({ state: "detached" });

      await phone.goto("/me");
      await page.getByRole("link", { name: "登录", exact: true }).waitFor();
      assert.equal(await page.getByRole("button", { name: "退出登录", exact: true }).count(), 0);
      phone.assertNoErrors();
    });

    test("an unknown page answers 404 with 页面不存在", async () => {
      const response = await phone.goto("/no-such-page");
      assert.equal(response.status(), 404);
      await page.getByText("页面不存在").first().waitFor();
      phone.assertNoErrors({ expectedStatuses: [404] });
    });

    test("/admin answers 403 with 没有权限 for a resident", async () => {
      await signInAs(phone, "resident");
      const response = await phone.goto("/admin");
      assert.equal(response.status(), 403);
      await page.getByText("没有权限").first().waitFor();
      phone.assertNoErrors({ expectedStatuses: [403] });
    });

    // Islands mode: tabs are plain links, so the next page is a page load (its HTML; the
    // CSS and WASM come from the cache).
    test("the 需求大厅 tab opens /board and is marked current", async () => {
      await signInAs(phone, "resident");
      await phone.goto("/");
      const boardTab = mainNav(page).getByRole("link", { name: "需求大厅", exact: true });
      await boardTab.click();
      await page.waitForURL((url) => url.pathname === "/board");
      await poll("the 需求大厅 tab to be marked current", async () =>
        (await boardTab.getAttribute("aria-current")) === "page",
      );
      await page.getByRole("heading", { name: "需求大厅", exact: true }).waitFor();
      phone.assertNoErrors();
    });
  });
}
