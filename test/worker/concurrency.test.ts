/** Many visitors at once: every event is kept exactly once, retries included. */
import { describe, expect, it } from "vitest";
import { call, cookieFor, event, newVisitor, putRules, viaFetch } from "../support/worker";
import { shopRules } from "../support/rules";

describe("2,000 concurrent events across 50 visitors", () => {
  it("are counted exactly, with retried batches deduplicated", async () => {
    await putRules(shopRules);
    const visitors = Array.from({ length: 50 }, newVisitor);
    const batches = visitors.flatMap((v) =>
      Array.from({ length: 4 }, (_, b) => ({ v, events: Array.from({ length: 10 }, (_, i) => event("view_item", { item_id: `p${b}-${i}`, category: i % 2 ? "sneakers" : "drinks" })) })),
    );
    // Each request in its own context, as from 50 browsers; every fifth batch is sent twice (a retry).
    const send = ({ v, events }: (typeof batches)[number]) =>
      viaFetch("https://shop.test/rujai/e", { method: "POST", body: JSON.stringify({ sentAt: Date.now(), events }), headers: { cookie: cookieFor(v) } });
    const answers = await Promise.all([...batches, ...batches.filter((_, i) => i % 5 === 0)].map(async (b) => (await send(b)).json() as Promise<{ kept: number; duplicates: number }>));
    expect(answers.reduce((s, a) => s + a.kept, 0)).toBe(2000);
    expect(answers.reduce((s, a) => s + a.duplicates, 0)).toBe(40 * 10);
    const counts = await Promise.all(
      visitors.map(async (v) => ((await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(v) } }))).json()) as { events: unknown[]; segments: Array<{ name: string }> })),
    );
    expect(counts.map((c) => c.events.length)).toEqual(visitors.map(() => 40));
    expect(counts.every((c) => c.segments.some((s) => s.name === "sneaker-fans"))).toBe(true);
  });
});
