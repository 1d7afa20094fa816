/**
 * Results against the holdout, end to end: pages record exposures at the edge, purchases
 * arrive as events, the Stats shards add them up, and the stats API reports what a
 * statistician would — checked against a published worked example.
 */
import { describe, expect, it, vi } from "vitest";
import { call, event, newVisitor, putRules, sendEvents, setCookies, testEnv, viewPage } from "../support/worker";
import { bucket } from "../../worker/core/hash";
import { statsShard } from "../../worker/stats/stats";
import { NO_COUNTS } from "../../worker/core/arms";
import { readArmDays } from "../../worker/stats/read";

const admin = { authorization: "Bearer test-admin-token" };
const Z = 1.959963984540054;

interface Arm { variant: string; visitors: number; converters: number; conversions: number; impressions: number; clicks: number; revenue: number; revenueSquares: number; rate: number; revenuePerVisitor: number }
interface RuleBody {
  rule: string;
  goal: { event: string; within: string };
  variants: Arm[];
  comparisons: Array<{ variant: string; conversion: { differenceInterval: [number, number]; difference: number; verdict: string }; revenue: { difference: number; differenceInterval: [number, number]; relative: number; relativeInterval: [number, number] } }>;
  series: Array<{ day: string; arms: Record<string, { visitors: number; converters: number; rate: number; low: number; high: number }> }>;
}
const statsOf = async (): Promise<{ methods: Record<string, string>; slots: Array<{ slot: string; rules: RuleBody[] }> }> =>
  (await call(new Request("https://shop.test/rujai/admin/stats?days=2", { headers: admin }))).json();

/** Visitor ids that land in the holdout (or not) of rule `r` at share 0.5. */
function visitorsIn(arm: "a" | "holdout", n: number, r = "promo-x"): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const v = newVisitor();
    if ((bucket(v, `${r}:holdout`) < 0.5) === (arm === "holdout")) out.push(v);
  }
  return out;
}

const sampleVariance = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, variance: xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) };
};

describe("results against the holdout", () => {
  it("Newcombe's worked example end to end: 56 of 70 vs 48 of 80 converting visitors → 0.0524 to 0.3339", { timeout: 60_000 }, async () => {
    await putRules({
      segments: { everyone: { when: { not: { count: { event: "never" } } } } },
      slots: { hero: [{ id: "promo-x", show: "everyone", holdout: 0.5, variants: [{ id: "a", html: "A" }] }] },
    });
    const exposed = visitorsIn("a", 70);
    const held = visitorsIn("holdout", 80);
    // Revenue per visitor, zeros included, to check the API's interval by hand below.
    const revenueOf = new Map<string, number>();
    // Ten visitors at a time in one local runtime: the segment lookup gets more than the 50 ms
    // a page waits in production (past it, a page shows its default and records nothing).
    const patient = { DECIDE_BUDGET_MS: "5000" };
    const script = async (v: string, buys: boolean, i: number) => {
      await sendEvents(v, [event("page_view", { path: "/" })]);
      await viewPage("/", v, patient);
      if (i % 3 === 0) await viewPage("/", v, patient); // a second page the same day: neither a second visitor nor a second record
      if (!buys) return revenueOf.set(v, 0);
      const value = 100 + (i % 7) * 50;
      // Two orders: two conversions, one converting visitor, both values in their revenue.
      await sendEvents(v, [event("purchase", { transaction_id: `T${v}`, value }), event("purchase", { transaction_id: `U${v}`, value: 10 })]);
      revenueOf.set(v, value + 10);
    };
    // Ten visitors at a time: their Stats shards take concurrent writes.
    const work = [...exposed.map((v, i) => () => script(v, i < 56, i)), ...held.map((v, i) => () => script(v, i < 48, i))];
    for (let i = 0; i < work.length; i += 10) await Promise.all(work.slice(i, i + 10).map((f) => f()));
    // Never counted: a purchase with no exposure, a bot's page, a page under Global Privacy Control.
    await sendEvents(newVisitor(), [event("purchase", { transaction_id: "none", value: 999 })]);
    await viewPage("/", exposed[0], {}, { "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" });
    await viewPage("/", exposed[1], {}, { "sec-gpc": "1" });

    const rule = await vi.waitFor(
      async () => {
        const r = (await statsOf()).slots[0]!.rules[0]!;
        const converters = r.variants.reduce((s, v) => s + v.converters, 0);
        if (converters < 104) throw new Error(`${converters} of 104 converting visitors counted so far: ${JSON.stringify(r.variants)}`);
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    const a = rule.variants.find((v) => v.variant === "a")!;
    const holdout = rule.variants.find((v) => v.variant === "holdout")!;
    expect(rule.goal).toEqual({ event: "purchase", within: "7d" });
    expect([a.visitors, a.converters, a.conversions]).toEqual([70, 56, 112]);
    expect([holdout.visitors, holdout.converters, holdout.conversions]).toEqual([80, 48, 96]);
    expect(a.impressions).toBe(70); // an arm is recorded once per visitor per day
    expect(a.rate).toBe(0.8);
    // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, example (a), method 10.
    const c = rule.comparisons[0]!;
    expect(c.conversion.differenceInterval[0]).toBeCloseTo(0.0524, 4);
    expect(c.conversion.differenceInterval[1]).toBeCloseTo(0.3339, 4);
    expect(c.conversion.verdict).toBe("better than the holdout");
    // Revenue per visitor, computed here from each visitor's revenue: Welch's normal interval
    // for the difference, and the delta method for the relative change.
    const ra = sampleVariance(exposed.map((v) => revenueOf.get(v)!));
    const rh = sampleVariance(held.map((v) => revenueOf.get(v)!));
    expect(a.revenue).toBe(exposed.reduce((s, v) => s + revenueOf.get(v)!, 0));
    const se = Math.sqrt(ra.variance / 70 + rh.variance / 80);
    expect(c.revenue.difference).toBeCloseTo(ra.mean - rh.mean, 8);
    expect(c.revenue.differenceInterval[0]).toBeCloseTo(ra.mean - rh.mean - Z * se, 8);
    expect(c.revenue.differenceInterval[1]).toBeCloseTo(ra.mean - rh.mean + Z * se, 8);
    const seLog = Math.sqrt(ra.variance / (70 * ra.mean ** 2) + rh.variance / (80 * rh.mean ** 2));
    expect(c.revenue.relativeInterval[0]).toBeCloseTo(Math.exp(Math.log(ra.mean / rh.mean) - Z * seLog) - 1, 8);
    expect(c.revenue.relativeInterval[1]).toBeCloseTo(Math.exp(Math.log(ra.mean / rh.mean) + Z * seLog) - 1, 8);
    // The chart's last point is the totals, with the Wilson band around the rate.
    const last = rule.series.at(-1)!.arms;
    expect(last.a).toMatchObject({ visitors: 70, converters: 56, rate: 0.8 });
    expect(last.a!.low).toBeLessThan(0.8);
    expect(last.a!.high).toBeGreaterThan(0.8);

    // The CSV holds the same numbers, per day.
    const bytes = new Uint8Array(await (await call(new Request("https://shop.test/rujai/admin/stats/export.csv?days=2", { headers: admin }))).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM: Excel reads UTF-8
    const lines = new TextDecoder().decode(bytes).trim().split("\r\n").map((l) => l.split(","));
    expect(lines[0]).toEqual(["rule", "variant", "day", "visitors", "converters", "conversions", "revenue", "revenue_squares", "impressions", "clicks"]);
    const sum = (variant: string, column: number) => lines.filter((l) => l[0] === "promo-x" && l[1] === variant).reduce((s, l) => s + Number(l[column]), 0);
    expect([sum("a", 3), sum("a", 4), sum("holdout", 3), sum("holdout", 4)]).toEqual([70, 56, 80, 48]);
  });

  it("a rule's goal decides what converts: a sign-up within a day, not a purchase", async () => {
    await putRules({
      segments: { everyone: { when: { not: { count: { event: "never" } } } } },
      slots: { hero: [{ id: "promo-y", show: "everyone", holdout: 0.5, variants: [{ id: "a", html: "A" }], goal: { event: "sign_up", within: "1d" } }] },
    });
    const [buyer, joiner, late] = visitorsIn("a", 3, "promo-y");
    for (const v of [buyer!, joiner!, late!]) await viewPage("/", v);
    await sendEvents(buyer, [event("purchase", { transaction_id: "p1", value: 500 })]);
    await sendEvents(joiner, [event("sign_up")]);
    await sendEvents(late, [event("sign_up", undefined, Date.now() + 60_000)]);
    const rule = await vi.waitFor(async () => {
      const r = (await statsOf()).slots[0]!.rules[0]!;
      if (r.variants[0]?.converters !== 2) throw new Error(`not counted yet: ${JSON.stringify(r.variants)}`);
      return r;
    });
    expect(rule.goal).toEqual({ event: "sign_up", within: "1d" });
    expect(rule.variants[0]).toMatchObject({ variant: "a", visitors: 3, converters: 2, revenue: 0 });
  });

  it("the script's impression counts only for an arm the edge has not recorded (a page before the cookie)", async () => {
    await putRules({
      segments: { everyone: { when: { not: { count: { event: "never" } } } } },
      slots: { hero: [{ id: "promo-z", show: "everyone", holdout: 0.5, variants: [{ id: "a", html: "A" }] }] },
    });
    const [v] = visitorsIn("a", 1, "promo-z");
    const seen = () => event("impression", { slot: "hero", rule: "promo-z", variant: "a" });
    // The first page was served before the cookie: only the script can tell.
    expect(await (await sendEvents(v, [seen()])).json()).toMatchObject({ kept: 1, duplicates: 0 });
    await viewPage("/", v);
    // From now on the edge has the arm: the script's report of it is a duplicate.
    expect(await (await sendEvents(v, [seen()])).json()).toMatchObject({ kept: 0, duplicates: 1 });
    const rule = await vi.waitFor(async () => {
      const r = (await statsOf()).slots[0]!.rules[0]!;
      if (r.variants[0]?.impressions !== 2) throw new Error(`not counted yet: ${JSON.stringify(r.variants)}`);
      return r;
    });
    expect(rule.variants).toMatchObject([{ variant: "a", visitors: 1, impressions: 2 }]);
  });

  it("a visitor carrying a snapshot is counted on the first page of each UTC day, not on every page", async () => {
    // Just before midnight UTC, ahead of real time (alarms are real timers).
    const beforeMidnight = Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 2 * 86_400_000 - 10 * 60_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(beforeMidnight);
    try {
      await putRules({
        segments: { everyone: { when: { not: { count: { event: "never" } } } } },
        slots: { hero: [{ id: "promo-w", show: "everyone", holdout: 0.5, variants: [{ id: "a", html: "A" }] }] },
      });
      const [v] = visitorsIn("a", 1, "promo-w");
      const ingest = await sendEvents(v!, [event("page_view", { path: "/" })]);
      const snapshot = setCookies(ingest).find((c: string) => c.startsWith("rujai_seg="))!.split(";")[0]!;
      const page = () => viewPage("/", undefined, {}, { cookie: `rujai_id=${v}; ${snapshot}` });
      for (let i = 0; i < 3; i++) expect(await page()).toContain(">A<");
      vi.setSystemTime(beforeMidnight + 20 * 60_000); // the next UTC day, the same snapshot
      for (let i = 0; i < 2; i++) expect(await page()).toContain(">A<");
      // Those pages came from the snapshot (this one records nothing new: the arm is in today).
      const served = await call(new Request("https://shop.test/", { headers: { accept: "text/html", cookie: `rujai_id=${v}; ${snapshot}` } }));
      expect(served.headers.get("server-timing")).toMatch(/segments from snapshot/);
      const rule = await vi.waitFor(async () => {
        const r = (await statsOf()).slots[0]!.rules.find((x) => x.rule === "promo-w")!;
        if (r.variants[0]?.impressions !== 2) throw new Error(`not counted yet: ${JSON.stringify(r.variants)}`);
        return r;
      });
      expect(rule.variants).toMatchObject([{ variant: "a", visitors: 1, impressions: 2 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shards add up exactly under concurrent writes", async () => {
    const shards = Number(testEnv.STATS_SHARDS);
    const day = new Date().toISOString().slice(0, 10);
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        statsShard(testEnv, i % shards).add([{ rule: "load", variant: i % 2 ? "a" : "holdout", day, ...NO_COUNTS, visitors: 1, impressions: 3, revenue: 0.5, revenueSquares: 0.25 }]),
      ),
    );
    const rows = await readArmDays(testEnv, day, ["load"]);
    expect(rows.map((r) => [r.variant, r.visitors, r.impressions, r.revenue])).toEqual([
      ["a", 200, 600, 100],
      ["holdout", 200, 600, 100],
    ]);
  });
});
