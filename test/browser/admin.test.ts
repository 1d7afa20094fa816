/**
 * A marketer in Chromium: pushes the rules with the CLI, signs in to the admin page, makes a
 * typo and sees it flagged, fixes it, saves — the shop shows the new hero to a sneaker fan —
 * then rolls back from the history.
 */
import { describe, expect, inject, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { BrowserContext } from "playwright-core";
import { browserForFile, eventually, visitorCookieFor } from "./browser";
import Papa from "papaparse";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { bucket } from "../../worker/core/hash";

const base = inject("edgeUrl");
const TOKEN = "browser-admin-token"; // test/browser/local-edge.ts
const browser = browserForFile();

/** A sneaker fan outside the demo's holdout (or in it), made through the events endpoint. */
async function sneakerFan(inHoldout = false): Promise<BrowserContext> {
  let id = crypto.randomUUID();
  while (bucket(id, "sneakers-20:holdout") < 0.1 !== inHoldout) id = crypto.randomUUID();
  const context = await browser().newContext();
  await context.addCookies([await visitorCookieFor(id, base)]);
  const now = Date.now();
  const events = ["sn-runner", "sn-court", "sn-trail"].map((item, i) => ({ id: `fan-${id.slice(0, 8)}-${i}`, type: "view_item", ts: now - i, props: { item_id: item, category: "sneakers" } }));
  const res = await context.request.post(`${base}/rujai/e`, { data: JSON.stringify({ sentAt: now, events }), headers: { "content-type": "text/plain" } });
  expect(res.ok()).toBe(true);
  return context;
}

/** Opens the admin page in a fresh context and signs in. */
async function signedIn(author = "") {
  const context = await browser().newContext();
  const page = await context.newPage();
  await page.goto(`${base}/rujai/admin`);
  if (author) await page.fill("#author", author);
  await page.fill("#token", TOKEN);
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#workspace:not([hidden])");
  return { context, page };
}

async function heroOf(context: BrowserContext): Promise<string> {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  const text = (await page.locator('[data-rujai-slot="hero"]').textContent()) ?? "";
  await page.close();
  return text;
}

describe("rules CLI", () => {
  it("push validates locally and saves through the admin API, keeping history", async () => {
    const { stdout } = await promisify(execFile)("node", ["scripts/rules.mjs", "push", "demo-site/rules.json"], {
      env: { ...process.env, RUJAI_URL: base, RUJAI_ADMIN_TOKEN: TOKEN, RUJAI_AUTHOR: "ci" },
    });
    expect(stdout).toContain("✓ demo-site/rules.json is valid: 6 segments, 6 slot rules");
    expect(stdout).toMatch(/✓ pushed to http:\/\/localhost:\d+: version [0-9a-f]{12} \(no changes\)/); // the same rules were seeded
  });
});

describe("admin page", () => {
  it("sign in, a typo flagged, fixed, saved, live on the shop, rolled back", async () => {
    const fan = await sneakerFan();
    expect(await heroOf(fan)).toContain("New sneakers −20%");

    const { context, page } = await signedIn("Nok (marketing)");
    await expect.poll(() => page.locator("#problems").textContent()).toContain("The rules are valid");

    const current = (await (await context.request.get(`${base}/rujai/admin/rules`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      document: { slots: { hero: Array<{ id: string; show: string; variants?: Array<{ html: string }> }> } };
    };
    const doc = structuredClone(current.document);
    const rule = doc.slots.hero.find((r) => r.id === "sneakers-20")!;
    rule.variants![0]!.html = "<h2>Sneaker Week: −30% ทุกรุ่น</h2>";
    rule.show = "sneaker-fanz";
    const type = async (value: unknown) => {
      await page.locator(".cm-content").click();
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText(JSON.stringify(value, null, 2));
    };

    await type(doc);
    await expect.poll(() => page.locator("#problems").textContent()).toContain('unknown segment "sneaker-fanz"');
    expect(await page.locator("#problems").textContent()).toContain("$.slots.hero[1].show");
    expect(await page.locator("#save").isDisabled()).toBe(true);

    rule.show = "sneaker-fans";
    await type(doc);
    await expect.poll(() => page.locator("#problems").textContent()).toContain("The rules are valid");
    await page.click("#save");
    await expect.poll(() => page.locator("#status").textContent()).toMatch(/Saved version [0-9a-f]{12} — hero ~sneakers-20/);
    expect(await heroOf(fan)).toContain("Sneaker Week: −30% ทุกรุ่น");

    await page.click('[data-tab="history"]');
    const rollback = page.locator("button.rollback").first();
    await rollback.waitFor();
    await rollback.click();
    await expect.poll(() => page.locator("#status").textContent()).toContain("Rolled back");
    expect(await heroOf(fan)).toContain("New sneakers −20%");
    await context.close();
    await fan.close();
  });

  it("results: the chart draws the API's numbers, the CSV downloads them, and the shadow panel shows a draft's reach", async () => {
    // Fans in the variant and in the holdout see the home page (the edge records the arm);
    // half of each buy.
    const fans = [...(await Promise.all([0, 1, 2, 3].map(() => sneakerFan()))), ...(await Promise.all([0, 1, 2, 3].map(() => sneakerFan(true))))];
    for (const [i, fan] of fans.entries()) {
      const home = await fan.newPage();
      await home.goto(`${base}/`);
      await home.close();
      if (i % 2) continue;
      const now = Date.now();
      const purchase = { id: `buy-${crypto.randomUUID().slice(0, 12)}`, type: "purchase", ts: now, props: { transaction_id: `T${now}${i}`, value: 1200 } };
      expect((await fan.request.post(`${base}/rujai/e`, { data: JSON.stringify({ sentAt: now, events: [purchase] }), headers: { "content-type": "text/plain" } })).ok()).toBe(true);
    }
    type Stats = { slots: Array<{ rules: Array<{ rule: string; variants: Array<{ variant: string; visitors: number; converters: number }>; series: Array<{ arms: Record<string, { rate: number | null }> }> }> }> };
    const api = async <T>(path: string, init: RequestInit = {}) => (await (await fetch(`${base}/rujai/admin${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;
    const rule = await eventually(async () => {
      const r = (await api<Stats>("/stats?days=30")).slots.flatMap((s) => s.rules).find((x) => x.rule === "sneakers-20");
      const converters = r?.variants.reduce((n, v) => n + v.converters, 0) ?? 0;
      const holdout = r?.variants.find((v) => v.variant === "holdout")?.visitors ?? 0;
      return converters >= 4 && holdout >= 4 && r;
    });

    const { context, page } = await signedIn("Nok");
    await page.click('[data-tab="stats"]');
    await page.selectOption("#chart-rule", "sneakers-20");
    await page.waitForSelector('#results-chart[data-rule="sneakers-20"] .uplot canvas');
    const stats = await api<Stats>("/stats?days=30");
    const now = stats.slots.flatMap((s) => s.rules).find((x) => x.rule === "sneakers-20")!;
    for (const v of now.variants) {
      expect(await page.locator(`tr[data-rule="sneakers-20"][data-variant="${v.variant}"] [data-visitors]`).textContent()).toBe(v.visitors.toLocaleString("en-US"));
    }
    // Point at today's end of the chart: uPlot's legend shows each arm's rate there, as the API has it.
    const over = page.locator("#results-chart .u-over");
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    const legend = await page.locator("#results-chart .u-legend .u-series").allTextContents();
    for (const v of now.variants) {
      const rate = now.series.at(-1)!.arms[v.variant]!.rate!;
      const shown = legend.find((l) => l.startsWith(v.variant) && !l.includes("95%"))!;
      expect(Number(shown.slice(v.variant.length).replace(/[^0-9.]/g, ""))).toBeCloseTo(rate * 100, 1);
    }
    expect(legend.join(" ")).toContain("holdout 95% high");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#results-csv")]);
    expect(download.suggestedFilename()).toMatch(/^rujai-results-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = Papa.parse<Record<string, string>>(readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: true }).data;
    for (const v of now.variants) {
      const sum = rows.filter((r) => r.rule === "sneakers-20" && r.variant === v.variant).reduce((n, r) => n + Number(r.visitors), 0);
      expect(sum).toBe(v.visitors);
    }

    // The editor's document (the live rules) as a draft in shadow: a fan's page counts for it, nothing changes on the page.
    await page.click("#shadow-start");
    await expect.poll(() => page.locator("#shadow-status").textContent()).toContain("now runs in shadow");
    const fan = await sneakerFan();
    const home = await fan.newPage();
    await home.goto(`${base}/`);
    expect(await home.locator('[data-rujai-slot="hero"]').textContent()).toContain("New sneakers −20%");
    await expect.poll(async () => {
      await page.click("#shadow-refresh");
      return page.locator('[data-shadow-segment="sneaker-fans"] [data-visitors]').textContent({ timeout: 1_000 }).catch(() => "0");
    }, { timeout: 15_000 }).toBe("1");
    expect(await page.locator('[data-shadow-win="sneakers-20"] [data-impressions]').textContent()).toBe("1");
    await page.click("#shadow-stop");
    await expect.poll(() => page.locator("#shadow-report").textContent()).toContain("No draft in shadow");
    await Promise.all([...fans, fan].map((f) => f.close()));
    await context.close();
    expect(rule.variants.map((v) => v.variant)).toEqual(["a", "holdout"]);
  });

  it("previews the shop as a sneaker fan at 18:00, beside the default", async () => {
    const { context, page } = await signedIn();
    await page.click('[data-tab="preview"]');
    await page.selectOption("#preset", "sneaker-fan");
    await page.fill("#preview-time", "18:00");
    await page.click("#run-preview");
    await expect.poll(() => page.locator("#explain").textContent()).toContain("Local time");
    const explain = await page.locator("#explain").textContent();
    expect(explain).toMatch(/18:00/);
    expect(explain).toContain("evening-ship shown");
    const personal = page.frameLocator("#frame-personal");
    await expect.poll(() => personal.locator('[data-rujai-slot="promo"]').textContent()).toContain("Free shipping until 9 pm tonight");
    expect(await page.frameLocator("#frame-default").locator('[data-rujai-slot="promo"]').textContent()).toContain("Free shipping on orders over");
    await context.close();
  });
});

describe("audiences tab", () => {
  it("draws every segment's trend, shows the API's numbers and the top buyers, and downloads a CSV", async () => {
    // A few sneaker fans: each enters the index through the queue.
    for (let i = 0; i < 3; i++) await (await sneakerFan()).close();
    const api = async <T>(path: string) => (await (await fetch(`${base}/rujai/admin${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;
    type Sizes = { segments: Array<{ name: string; size: number }> };
    // The index is eventually consistent (earlier tests' visitors may still be arriving): wait
    // until it holds these fans and stays the same for a second.
    const sizes = await eventually(async () => {
      const body = await api<Sizes>("/audiences");
      await new Promise((r) => setTimeout(r, 1_000));
      const again = await api<Sizes>("/audiences");
      return JSON.stringify(body.segments) === JSON.stringify(again.segments) && (body.segments.find((s) => s.name === "sneaker-fans")?.size ?? 0) >= 3 && body;
    }, 30_000);

    const { context, page } = await signedIn("Nok");
    await page.click('[data-tab="audiences"]');
    await page.waitForSelector("#audience-chart .uplot canvas");
    // The intent model's card: a handful of visitors is not enough to fit, and it says so.
    await page.click("#intent-fit");
    await expect.poll(() => page.locator("#intent-status").textContent()).toMatch(/Not fitted: .* the priors stay until there are 500 rows with 30 buyers/);
    expect(await page.locator("#intent-kind").textContent()).toContain("priors");
    for (const segment of sizes.segments) {
      expect(await page.locator(`[data-size="${segment.name}"]`).textContent()).toBe(segment.size.toLocaleString("en-US"));
    }
    // The chart has a series per segment (uPlot's legend lists them).
    const legend = await page.locator("#audience-chart .u-legend .u-series").allTextContents();
    for (const segment of sizes.segments) expect(legend.join(" ")).toContain(segment.name);

    const top = await api<{ members: Array<{ scores: { intent: number } }> }>("/audiences/top?by=intent&n=500");
    await page.waitForSelector("#audience-top tr");
    expect(await page.locator("#audience-top tr").count()).toBe(top.members.length);
    expect(await page.locator("#audience-top tr >> nth=0 >> [data-intent]").textContent()).toBe(`${Math.round(top.members[0]!.scores.intent * 100)}%`);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-csv="sneaker-fans"]')]);
    expect(download.suggestedFilename()).toMatch(/^sneaker-fans-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, "utf8");
    const rows = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(sizes.segments.find((s) => s.name === "sneaker-fans")!.size);
    await context.close();
  });
});

describe("messages tab", () => {
  it("shows a trigger's sent and delivered counts and the delivery log, and sends a test message", async () => {
    const received: Array<{ id: string; body: string }> = [];
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ id: String(req.headers["webhook-id"]), body });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    const demo = JSON.parse(readFileSync("demo-site/rules.json", "utf8")) as Record<string, unknown>;
    const put = (doc: unknown) => fetch(`${base}/rujai/admin/rules`, { method: "PUT", body: JSON.stringify(doc), headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await put({ ...demo, destinations: { crm: { type: "webhook", url, secret: "CRM_WEBHOOK_SECRET" } }, triggers: [{ id: "cart-ping", on: { event: "add_to_cart" }, to: "crm", payload: { kind: "cart" } }] })).status).toBe(200);
    try {
      const shopper = await sneakerFan();
      const cart = await shopper.request.post(`${base}/rujai/e`, {
        data: JSON.stringify({ sentAt: Date.now(), events: [{ id: `cart-${crypto.randomUUID()}`, type: "add_to_cart", ts: Date.now(), props: { item_id: "sn-court", price: 2190 } }] }),
        headers: { "content-type": "text/plain" },
      });
      expect(cart.ok()).toBe(true);
      await eventually(async () => received.some((r) => r.id.startsWith("cart-ping:")));
      await shopper.close();

      const { context, page } = await signedIn("Nok");
      await page.click('[data-tab="messages"]');
      await eventually(async () => {
        await page.selectOption("#delivery-status", "delivered");
        return (await page.locator('[data-trigger="cart-ping"] [data-outcome="delivered"]').textContent()) === "1";
      });
      expect(await page.locator('[data-trigger="cart-ping"] [data-outcome="sent"]').textContent()).toBe("1");
      expect(await page.locator("#deliveries").textContent()).toContain("cart-ping → crm");
      await page.click('[data-test="crm"]');
      await expect.poll(() => page.locator("#test-result").textContent()).toMatch(/^Test message queued \(test:/);
      await eventually(async () => received.some((r) => r.id.startsWith("test:")));
      await context.close();
    } finally {
      await put(demo);
      hook.close();
    }
  });
});
