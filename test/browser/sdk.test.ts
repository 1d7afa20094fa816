/**
 * The SDK in a real browser against the local edge: nothing lost offline, nothing counted
 * twice, nothing kept under GPC, and GA4 dataLayer pushes recorded with no extra code.
 */
import { describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { browserForFile, eventually } from "./browser";

const base = inject("edgeUrl");
const browser = browserForFile();

interface Kept {
  visitorId: string | null;
  events: Array<{ id: string; type: string; props?: Record<string, unknown> }>;
}
const kept = async (context: BrowserContext): Promise<Kept> => (await context.request.get(`${base}/rujai/me`)).json();
const sdkReady = (page: Page) => page.waitForFunction(() => typeof (window as { rujai?: { flush?: unknown } }).rujai?.flush === "function");

describe("the SDK in Chromium", () => {
  it("offline: 20 events, a reload while offline, back online — all 20 arrive exactly once", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${base}/c/drinks`);
    await sdkReady(page);
    await eventually(async () => (await kept(context)).visitorId); // the first batch set the cookie

    await context.setOffline(true);
    await page.evaluate(() => {
      const r = (window as unknown as { rujai: (m: string, t: string, p: object) => void }).rujai;
      for (let n = 0; n < 20; n++) r("track", "offline_test", { n });
    });
    await page.waitForTimeout(1500); // the batch is tried and fails
    await page.reload().catch(() => undefined); // offline: the reload itself fails
    await context.setOffline(false);
    await page.goto(`${base}/c/drinks`);

    const data = await eventually(async () => {
      const k = await kept(context);
      return k.events.filter((e) => e.type === "offline_test").length >= 20 && k;
    });
    const offline = data.events.filter((e) => e.type === "offline_test");
    expect(offline).toHaveLength(20);
    expect(offline.map((e) => e.props?.n).sort((a, b) => Number(a) - Number(b))).toEqual([...Array(20).keys()]);
    expect(new Set(offline.map((e) => e.id)).size).toBe(20);
    await context.close();
  });

  it("Global Privacy Control: no cookie, nothing in IndexedDB, nothing sent", async () => {
    const context = await browser().newContext({ extraHTTPHeaders: { "sec-gpc": "1" } });
    await context.addInitScript(() => Object.defineProperty(navigator, "globalPrivacyControl", { value: true }));
    const sent: string[] = [];
    context.on("request", (r) => r.url().includes("/rujai/e") && sent.push(r.url()));
    const page = await context.newPage();
    await page.goto(`${base}/p/sn-runner`);
    await sdkReady(page);
    await page.click("button.add");
    await page.goto(`${base}/c/sneakers`);
    await sdkReady(page);
    await page.waitForTimeout(1500);
    expect(sent).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(databases).not.toContain("rujai");
    await context.close();
  });

  it("a GA4 dataLayer purchase on the page is recorded with no rujai code", async () => {
    const context = await browser().newContext();
    // What a GA4/GTM snippet does in the page head.
    await context.addInitScript(() => {
      (window as unknown as { dataLayer: unknown[] }).dataLayer = [];
    });
    const page = await context.newPage();
    await page.goto(`${base}/thanks`);
    await sdkReady(page);
    await page.evaluate(() => {
      (window as unknown as { dataLayer: unknown[] }).dataLayer.push({
        event: "purchase",
        ecommerce: { transaction_id: "GA-1001", value: 2890, currency: "THB", items: [{ item_id: "sn-runner", item_category: "sneakers", price: 2890, quantity: 1 }] },
      });
    });
    const data = await eventually(async () => {
      const k = await kept(context);
      return k.events.some((e) => e.type === "purchase") && k;
    });
    expect(data.events.filter((e) => e.type === "purchase").map((e) => e.props)).toEqual([
      { transaction_id: "GA-1001", value: 2890, currency: "THB", items: [{ item_id: "sn-runner", category: "sneakers", price: 2890, quantity: 1 }] },
    ]);
    await context.close();
  });
});
