/** Automatic capture and the extras, against a DOM: what a site gets from one tag. */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { core, type Core } from "../../sdk/src/rujai";
import { capture } from "../../sdk/src/capture";
import { bridge, decide, identify } from "../../sdk/src/extra";
import { freshIndexedDB, network } from "./helpers";

type Tracked = { type: string; props?: Record<string, unknown> };
let sentBy: () => Promise<Tracked[]>;

/**
 * A tracker on its own base path, and what it has sent. Listeners of trackers from earlier
 * tests stay on the document; they send to their own base, so they are not counted here.
 */
function recordingTracker(): Core {
  const net = network();
  const c = core({ base: net.base });
  sentBy = async () => {
    await c.flush();
    return net.sent.flatMap((s) => s.batch.events.map(({ type, props }) => (props ? { type, props } : { type })));
  };
  return c;
}
const tracked = () => sentBy();

beforeEach(() => {
  freshIndexedDB();
  document.head.innerHTML = "";
  document.body.innerHTML = "";
  delete (window as { dataLayer?: unknown }).dataLayer;
  history.replaceState(null, "", "/start");
});

describe("automatic capture", () => {
  it("page views on load and SPA navigations (pushState, replaceState, popstate), each URL once", async () => {
    capture(recordingTracker());
    // Views are read a tick after the URL changes, once the app has set its title.
    const tick = () => new Promise((r) => setTimeout(r, 5));
    history.pushState(null, "", "/c/sneakers");
    await tick();
    history.replaceState(null, "", "/c/sneakers"); // same URL: not another view
    await tick();
    history.pushState(null, "", "/search?q=white%20sneakers");
    await tick();
    history.back();
    await vi.waitFor(async () => expect((await tracked()).filter((t) => t.type === "page_view")).toHaveLength(4));
    const events = await tracked();
    expect(events.filter((t) => t.type === "page_view").map((t) => t.props?.path)).toEqual([
      "/start",
      "/c/sneakers",
      "/search?q=white%20sneakers",
      "/c/sneakers",
    ]);
    expect(events.find((t) => t.type === "search")?.props).toEqual({ search_term: "white sneakers" });
  });

  it("view_item from schema.org Product JSON-LD and from data-rujai-item", async () => {
    document.head.innerHTML = `<script type="application/ld+json">${JSON.stringify({
      "@context": "https://schema.org",
      "@type": "Product",
      sku: "sn-runner",
      name: "Siam Runner",
      category: "sneakers",
      offers: { "@type": "Offer", price: "2890", priceCurrency: "THB" },
    })}</script>`;
    document.body.innerHTML = `<div data-rujai-item='{"item_id":"dk-tea","category":"drinks","price":65}'></div>`;
    capture(recordingTracker());
    expect((await tracked()).filter((t) => t.type === "view_item").map((t) => t.props)).toEqual([
      { item_id: "sn-runner", item_name: "Siam Runner", category: "sneakers", price: 2890 },
      { item_id: "dk-tea", category: "drinks", price: 65 },
    ]);
  });

  it("an impression for each slot the worker swapped, and a click on it", async () => {
    document.body.innerHTML = `<section data-rujai-slot="hero" data-rujai-rule="sneakers-20" data-rujai-variant="a"><a id="cta" href="#">Shop</a></section>
      <div data-rujai-slot="promo">default, not swapped</div>`;
    capture(recordingTracker());
    document.getElementById("cta")!.click();
    expect((await tracked()).filter((t) => t.type === "impression" || t.type === "click")).toEqual([
      { type: "impression", props: { slot: "hero", rule: "sneakers-20", variant: "a" } },
      { type: "click", props: { slot: "hero", rule: "sneakers-20", variant: "a" } },
    ]);
  });
});

describe("GA4 dataLayer bridge", () => {
  it("records ecommerce pushes made before and after it starts, including gtag's form", async () => {
    const w = window as unknown as { dataLayer: unknown[] };
    w.dataLayer = [{ event: "view_item", ecommerce: { items: [{ item_id: "co-lip", item_name: "Lipstick", item_category: "cosmetics", price: 450 }] } }];
    bridge(recordingTracker());
    w.dataLayer.push({ event: "gtm.click" }); // not ecommerce: ignored
    w.dataLayer.push({
      event: "purchase",
      ecommerce: { transaction_id: "T-9", value: 900, currency: "THB", items: [{ item_id: "co-lip", item_category: "cosmetics", price: 450, quantity: 2 }] },
    });
    (function gtag(..._args: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      w.dataLayer.push(arguments);
    })("event", "add_to_cart", { items: [{ item_id: "dk-tea", item_category: "drinks", price: 65, quantity: 1 }] });
    expect(await tracked()).toEqual([
      { type: "view_item", props: { item_id: "co-lip", item_name: "Lipstick", category: "cosmetics", price: 450 } },
      {
        type: "purchase",
        props: { transaction_id: "T-9", value: 900, currency: "THB", items: [{ item_id: "co-lip", category: "cosmetics", price: 450, quantity: 2 }] },
      },
      { type: "add_to_cart", props: { item_id: "dk-tea", category: "drinks", price: 65, quantity: 1 } },
    ]);
    expect(w.dataLayer).toHaveLength(4); // the site's own pushes still land
  });

  it("records a search form an SPA handles itself", async () => {
    document.body.innerHTML = `<form id="f"><input type="search" name="q" value="ชาไทย"></form>`;
    bridge(recordingTracker());
    const form = document.getElementById("f")!;
    form.addEventListener("submit", (e) => e.preventDefault());
    form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
    await vi.waitFor(async () => expect(await tracked()).toEqual([{ type: "search", props: { search_term: "ชาไทย" } }]));
  });
});

describe("extras", () => {
  it("decide fills slots client-side with the edge's answer and records impressions", async () => {
    document.body.innerHTML = `<div data-rujai-slot="hero">default</div><div data-rujai-slot="promo">default promo</div>`;
    const c = recordingTracker();
    const recordEvents = globalThis.fetch;
    globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      if (!String(url).includes("/decide")) return recordEvents(url, init);
      expect(String(url)).toBe(`${c.base}/decide?slots=hero%2Cpromo`);
      return Response.json({ segments: ["sneaker-fans"], slots: { hero: { rule: "sneakers-20", variant: "a", html: "<b>−20%</b>" } } });
    }) as typeof fetch;
    const decided = await decide(c, ["hero", "promo"]);
    expect(decided.hero?.rule).toBe("sneakers-20");
    const hero = document.querySelector<HTMLElement>('[data-rujai-slot="hero"]')!;
    expect(hero.innerHTML).toBe("<b>−20%</b>");
    expect(hero.dataset.rujaiRule).toBe("sneakers-20");
    expect(document.querySelector('[data-rujai-slot="promo"]')!.innerHTML).toBe("default promo");
    expect(await tracked()).toEqual([{ type: "impression", props: { slot: "hero", rule: "sneakers-20", variant: "a" } }]);
  });

  it("decide on a network fault leaves the page as it is and reports the fault", async () => {
    document.body.innerHTML = `<div data-rujai-slot="hero">default</div>`;
    const errors: unknown[] = [];
    const c = core({ base: "/x", onError: (e) => errors.push(e) });
    globalThis.fetch = vi.fn(async () => {
      throw new TypeError("offline");
    }) as typeof fetch;
    expect(await decide(c, ["hero"])).toEqual({});
    expect(document.querySelector('[data-rujai-slot="hero"]')!.innerHTML).toBe("default");
    expect(errors.length).toBeGreaterThan(0);
  });

  it("identify posts the backend's token; a 403 answers false", async () => {
    const c = recordingTracker();
    const bodies: unknown[] = [];
    globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      if (String(url).endsWith("/identify")) bodies.push(JSON.parse(String(init?.body)));
      return new Response("{}", { status: String(url).endsWith("/identify") ? 403 : 200 });
    }) as typeof fetch;
    expect(await identify(c, "eyJhbGciOiJIUzI1NiJ9.e30.bad")).toBe(false);
    expect(bodies).toEqual([{ token: "eyJhbGciOiJIUzI1NiJ9.e30.bad" }]);
  });
});
