// 志愿服务之星: a resident votes from /stars, hydrated and with JavaScript disabled.
import { after, before, describe, test } from "node:test";
import { LoginPage, launch, newPhone } from "./support.js";

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
      await phone.screenshot(`stars-voted-${javaScriptEnabled ? "js" : "nojs"}`);
      phone.assertNoErrors();
      await phone.close();
    });
  }
});
