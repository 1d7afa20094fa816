/**
 * Shadow mode: a draft evaluated on live pages without rendering. What it counts must be
 * what publishing it then shows to the same visitors — and until then, pages never change.
 */
import { describe, expect, it, vi } from "vitest";
import { call, event, newVisitor, putRules, sendEvents, slotOf, viewPage } from "../support/worker";
import { bucket } from "../../worker/core/hash";
import type { RulesDocument } from "../../worker/rules/schema";

const admin = { authorization: "Bearer test-admin-token" };
const live: RulesDocument = {
  segments: { fans: { when: { count: { event: "view_item", where: { category: "sneakers" } }, atLeast: 1 } } },
  slots: { hero: [{ id: "live-promo", show: "fans", html: "Live sneaker promo" }] },
};
const draft: RulesDocument = {
  segments: {
    fans: live.segments.fans!,
    "big-spenders": { when: { sum: { event: "purchase", prop: "value", within: "30d" }, atLeast: 1000 } },
  },
  slots: {
    hero: [
      { id: "vip", show: "big-spenders", priority: 10, holdout: 0.3, html: "VIP lounge" },
      { id: "live-promo", show: "fans", html: "Live sneaker promo" },
    ],
  },
};
const patient = { DECIDE_BUDGET_MS: "5000" };

interface ShadowBody {
  active: boolean;
  version: string;
  segments: Array<{ segment: string; visitors: number; pages: number }>;
  wins: Array<{ slot: string; rule: string; variant: string; visitors: number; impressions: number }>;
  takes: Array<{ slot: string; from: string; to: string; visitors: number; impressions: number }>;
}
const shadow = async () => (await call(new Request("https://shop.test/rujai/admin/shadow", { headers: admin }))).json() as Promise<ShadowBody>;

describe("shadow mode", () => {
  it("counts what publishing the draft then shows to the same visitors, and changes no page until then", { timeout: 60_000 }, async () => {
    await putRules(live);
    const started = await call(new Request("https://shop.test/rujai/admin/shadow", { method: "PUT", body: JSON.stringify(draft), headers: admin }));
    expect(started.status).toBe(200);
    // 24 scripted visitors: sneaker fans, big spenders, both, neither. The first two big
    // spenders are picked one in the VIP rule's 30 % holdout and one out of it, so both arms
    // show whatever ids the others draw (eight random ones would all miss it 6 % of the time).
    const idWhere = (inHoldout: boolean) => {
      for (;;) {
        const id = newVisitor();
        if (bucket(id, "vip:holdout") < 0.3 === inHoldout) return id;
      }
    };
    const visitors = Array.from({ length: 24 }, (_, i) => ({ id: i === 0 ? idWhere(true) : i === 3 ? idWhere(false) : newVisitor(), fan: i % 2 === 0, spender: i % 3 === 0 }));
    for (const v of visitors) {
      const events = [event("page_view", { path: "/" })];
      if (v.fan) events.push(event("view_item", { item_id: "s1", category: "sneakers" }));
      if (v.spender) events.push(event("purchase", { transaction_id: `T-${v.id}`, value: 1500 }));
      await sendEvents(v.id, events);
    }
    const before = new Map<string, string>();
    for (const v of visitors) {
      const hero = slotOf(await viewPage("/", v.id, patient), "hero");
      // In shadow the page shows only what the live rules decide.
      expect(hero.rule).toBe(v.fan ? "live-promo" : null);
      before.set(v.id, `${hero.rule}/${hero.variant}`);
    }
    const report = await vi.waitFor(async () => {
      const s = await shadow();
      const pages = s.wins.reduce((n, w) => n + w.impressions, 0);
      if (pages < visitors.filter((v) => v.fan || v.spender).length) throw new Error(`${pages} pages counted so far`);
      return s;
    });
    expect(report.segments.find((s) => s.segment === "big-spenders")).toEqual({ segment: "big-spenders", visitors: 8, pages: 8 });
    expect(report.segments.find((s) => s.segment === "fans")?.visitors).toBe(12);

    // Publish the draft; the same visitors come back.
    expect((await call(new Request("https://shop.test/rujai/admin/rules", { method: "PUT", body: JSON.stringify(draft), headers: admin }))).status).toBe(200);
    const shown = new Map<string, number>();
    for (const v of visitors) {
      const hero = slotOf(await viewPage("/", v.id, patient), "hero");
      if (hero.rule) shown.set(`${hero.rule}/${hero.variant}`, (shown.get(`${hero.rule}/${hero.variant}`) ?? 0) + 1);
    }
    const counted = new Map(report.wins.map((w) => [`${w.rule}/${w.variant}`, w.impressions]));
    expect(shown).toEqual(counted);
    expect([...shown.keys()].sort()).toEqual(["live-promo/default", "vip/default", "vip/holdout"]);
    // Whom it would take from which live rule: every big spender's hero leaves what live showed.
    const taken = report.takes.reduce((n, t) => n + t.impressions, 0);
    expect(taken).toBe(8);
    expect(report.takes.map((t) => `${t.from}>${t.to}`).sort()).toEqual(["(default)>vip", "live-promo>vip"]);
  });

  it("refuses a bad draft with each error's path, and stops", async () => {
    const bad = await call(new Request("https://shop.test/rujai/admin/shadow", { method: "PUT", body: JSON.stringify({ segments: { x: { when: { count: { event: "view_item" }, atLeast: "three" } } } }), headers: admin }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: Array<{ path: string }> };
    expect(body.errors[0]!.path).toBe("$.segments.x.when.atLeast");
    expect((await call(new Request("https://shop.test/rujai/admin/shadow", { method: "DELETE", headers: admin }))).status).toBe(200);
    expect(await shadow()).toEqual({ active: false });
    expect((await call(new Request("https://shop.test/rujai/admin/shadow", { method: "PUT", body: "{}" }))).status).toBe(401);
  });
});
