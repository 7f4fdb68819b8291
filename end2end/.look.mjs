// Throwaway: screenshots of this stop's pages at a phone's size (not committed).
import { chromium } from "playwright-core";
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
async function as(phone, cookies = []) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  if (cookies.length) await ctx.addCookies(cookies.map(([name, value]) => ({ name, value, url: base })));
  const page = await ctx.newPage();
  await page.goto(base + "/login");
  await page.fill("#phone", phone);
  await page.fill("#password", "gridstation");
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  return page;
}
const shot = async (page, path, name, sel) => {
  await page.goto(base + path);
  await page.waitForTimeout(800);
  if (sel) await page.locator(sel).first().scrollIntoViewIfNeeded().catch(() => {});
  await page.screenshot({ path: `/tmp/look-${name}.png` });
};
const v = await as("13800000011");
await shot(v, "/me", "me-party", "#party-badge");
await v.click("#party-badge button");
await v.waitForTimeout(800);
await v.screenshot({ path: "/tmp/look-me-party-on.png" });
const a = await as("13800000004");
await shot(a, "/admin/accounts?q=%E9%92%B1", "accounts-party", ".accounts");
await shot(a, "/admin/dashboard", "dashboard-party", ".dash-section");
const act = await a.evaluate(async () => 0);
await shot(a, "/activities", "activities-list");
const link = await a.locator("a[href^='/activities/']").first().getAttribute("href").catch(() => null);
if (link) await shot(a, link, "activity-signups", "#sign-up-resident");
const r = await as("13800000001", [["gs_lang", "en"], ["gs_elder", "1"]]);
await shot(r, "/stars", "stars-en-elder", ".candidate");
await browser.close();
