/**
 * A shopper in a real browser: the SDK on the demo shop sends exactly the expected events,
 * and the edge personalizes the next page from them.
 */
import { describe, expect, inject, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { browserForFile, eventually, visitorCookieFor } from "./browser";
import { bucket } from "../../worker/core/hash";

const base = inject("edgeUrl");
const browser = browserForFile();

/** A visitor id outside the demo's 10% sneaker holdout, so the promo must show. */
function visitorOutsideHoldout(): string {
  for (;;) {
    const id = crypto.randomUUID();
    if (bucket(id, "sneakers-20:holdout") >= 0.1) return id;
  }
}

async function shopper(visitorId?: string): Promise<BrowserContext> {
  const context = await browser().newContext();
  if (visitorId) await context.addCookies([await visitorCookieFor(visitorId, base)]);
  return context;
}

interface Kept {
  events: Array<{ type: string; props?: Record<string, unknown> }>;
  segments: Array<{ name: string }>;
}
const kept = async (context: BrowserContext): Promise<Kept> => (await context.request.get(`${base}/rujai/me`)).json();

describe("demo shop in Chromium", () => {
  it("three sneaker pages → the server has exactly those events → the home hero is the sneaker promo", async () => {
    const context = await shopper(visitorOutsideHoldout());
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.locator('[data-rujai-slot="hero"] h1').textContent()).toContain("ช้อปสิ่งที่ใช่");
    for (const id of ["sn-runner", "sn-court", "sn-trail"]) {
      await page.goto(`${base}/p/${id}`);
      await page.waitForLoadState("load");
    }
    await page.goto(`${base}/search?q=sneaker`);

    const data = await eventually(async () => {
      const k = await kept(context);
      return k.events.filter((e) => e.type === "view_item").length === 3 && k.events.some((e) => e.type === "search") && k;
    });
    // Exactly these events, each once: product views come from the pages' JSON-LD.
    expect(data.events.map((e) => e.type).sort()).toEqual(
      ["page_view", "page_view", "page_view", "page_view", "page_view", "search", "view_item", "view_item", "view_item"].concat(
        data.events.filter((e) => e.type === "impression").map(() => "impression"),
      ).sort(),
    );
    const views = data.events.filter((e) => e.type === "view_item").map((e) => e.props);
    expect(views).toEqual([
      { item_id: "sn-runner", item_name: "Siam Runner running shoe", category: "sneakers", price: 2890 },
      { item_id: "sn-court", item_name: "Court Classic white sneaker", category: "sneakers", price: 2190 },
      { item_id: "sn-trail", item_name: "Doi Inthanon trail shoe", category: "sneakers", price: 3450 },
    ]);
    const pageViews = data.events.filter((e) => e.type === "page_view").map((e) => e.props?.path);
    expect(pageViews).toEqual(["/", "/p/sn-runner", "/p/sn-court", "/p/sn-trail", "/search?q=sneaker"]);
    expect(data.events.find((e) => e.type === "search")?.props).toEqual({ search_term: "sneaker" });

    await page.goto(`${base}/`);
    const hero = page.locator('[data-rujai-slot="hero"]');
    expect(await hero.getAttribute("data-rujai-rule")).toBe("sneakers-20");
    expect(await hero.textContent()).toContain("New sneakers −20%");
    await context.close();
  });

  it("add to cart and checkout send add_to_cart and purchase", async () => {
    const context = await shopper();
    const page = await context.newPage();
    await page.goto(`${base}/p/dr-linen`);
    await page.click("button.add");
    await page.goto(`${base}/cart`);
    await page.click("#checkout");
    await page.waitForURL(`${base}/thanks`);
    const data = await eventually(async () => {
      const k = await kept(context);
      return k.events.some((e) => e.type === "purchase") && k;
    });
    expect(data.events.find((e) => e.type === "add_to_cart")?.props).toMatchObject({ item_id: "dr-linen", category: "dresses", quantity: 1 });
    expect(data.events.find((e) => e.type === "purchase")?.props).toMatchObject({ value: 1590, currency: "THB" });
    await context.close();
  });
});
