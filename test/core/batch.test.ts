import { describe, expect, it } from "vitest";
import { MAX_CLOCK_CORRECTION_MS, parseBatch as parseWith } from "../../worker/core/batch";
import type { KnownRules } from "../../worker/core/known-rules";

const KNOWN: KnownRules = new Map([["sneakers-20", new Set(["a", "b", "holdout"])]]);
const parseBatch = (text: string, now: number) => parseWith(text, now, KNOWN);

const NOW = Date.UTC(2026, 2, 4, 11);
const ev = (over: Record<string, unknown> = {}) => ({ id: "0f8fad5b-d9cb-469f-a165-70867728950e", type: "page_view", ts: NOW, ...over });
const body = (events: unknown[], sentAt = NOW) => JSON.stringify({ sentAt, events });

describe("parseBatch", () => {
  it("keeps valid events and corrects the browser clock by sentAt", () => {
    // The browser's clock is 10 minutes fast: its events move back by the same amount.
    const r = parseBatch(body([ev({ ts: NOW + 600_000 - 1000 })], NOW + 600_000), NOW);
    expect(r).toEqual({ ok: true, events: [{ id: ev().id, type: "page_view", ts: NOW - 1000 }], rejected: [] });
  });
  it("refuses non-JSON with 400", () => {
    expect(parseBatch("{nope", NOW)).toMatchObject({ ok: false, status: 400, message: "body is not valid JSON" });
  });
  it("names the path of a wrong shape", () => {
    expect(parseBatch(JSON.stringify({ sentAt: NOW, events: {} }), NOW)).toMatchObject({ ok: false, status: 400, path: "$.events" });
    expect(parseBatch(JSON.stringify({ events: [] }), NOW)).toMatchObject({ ok: false, status: 400, path: "$.sentAt" });
  });
  it("refuses 51 events", () => {
    const r = parseBatch(body(Array.from({ length: 51 }, (_, i) => ev({ id: `event-${i}-xxxxxx` }))), NOW);
    expect(r).toMatchObject({ ok: false, status: 400, message: "at most 50 events per batch (got 51)" });
  });
  it("refuses more than 64 KiB with 413", () => {
    const r = parseBatch(body([ev({ props: { title: "x".repeat(65 * 1024) } })]), NOW);
    expect(r).toMatchObject({ ok: false, status: 413 });
  });
  it("rejects bad events alone, with reasons, and keeps the rest", () => {
    const r = parseBatch(
      body([
        ev({ id: "good-event-0001" }),
        ev({ id: "future-event-01", ts: NOW + 6 * 60_000 }),
        ev({ id: "ancient-event-1", ts: NOW - 8 * 86_400_000 }),
        ev({ id: "bad-type-event1", type: "Page View" }),
        ev({ id: "long-string-ev1", props: { title: "ก".repeat(257) } }),
        "not an event",
      ]),
      NOW,
    );
    if (!r.ok) throw new Error("expected ok");
    expect(r.events.map((e) => e.id)).toEqual(["good-event-0001"]);
    expect(r.rejected).toEqual([
      { index: 1, id: "future-event-01", reason: "ts is more than 5 minutes in the future" },
      { index: 2, id: "ancient-event-1", reason: "ts is more than 7 days old" },
      { index: 3, id: "bad-type-event1", reason: 'type must match [a-z][a-z0-9_]{0,39}, e.g. "view_item"' },
      { index: 4, id: "long-string-ev1", reason: "props.title is longer than 256 characters" },
      { index: 5, reason: "event must be an object" },
    ]);
  });
  it("accepts purchase items nested one level", () => {
    const r = parseBatch(body([ev({ type: "purchase", props: { value: 10, items: [{ item_id: "a", price: 10 }] } })]), NOW);
    expect(r.ok && r.events.length).toBe(1);
  });

  it("corrects a clock claimed 31 minutes slow by 10 minutes at most", () => {
    const sentAt = NOW - 31 * 60_000;
    const r = parseBatch(body([ev({ id: "cart-event-0002", type: "add_to_cart", ts: sentAt })], sentAt), NOW);
    expect(r.ok && r.events[0]!.ts).toBe(NOW - 31 * 60_000 + MAX_CLOCK_CORRECTION_MS);
  });
  it("a clock claimed 40 minutes fast cannot push events back: corrected by 10 minutes they are still ahead, and rejected", () => {
    const sentAt = NOW + 40 * 60_000;
    const r = parseBatch(body([ev({ id: "cart-event-0001", type: "add_to_cart", ts: sentAt })], sentAt), NOW);
    expect(r.ok && r.rejected).toEqual([{ index: 0, id: "cart-event-0001", reason: "ts is more than 5 minutes in the future" }]);
  });
  it("counts impressions and clicks only for rules and variants that exist", () => {
    const r = parseBatch(
      body([
        ev({ id: "impression-ok-1", type: "impression", props: { slot: "hero", rule: "sneakers-20", variant: "a" } }),
        ev({ id: "impression-ok-2", type: "click", props: { slot: "hero", rule: "sneakers-20", variant: "holdout" } }),
        ev({ id: "made-up-rule-01", type: "impression", props: { slot: "hero", rule: "free-iphone", variant: "a" } }),
        ev({ id: "made-up-variant", type: "click", props: { slot: "hero", rule: "sneakers-20", variant: "zzz" } }),
        ev({ id: "no-rule-named-1", type: "impression", props: { slot: "hero" } }),
      ]),
      NOW,
    );
    if (!r.ok) throw new Error("expected ok");
    expect(r.events.map((e) => e.id)).toEqual(["impression-ok-1", "impression-ok-2"]);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'props.rule "free-iphone" is not a current or recent rule',
      'props.variant "zzz" is not a variant of rule "sneakers-20"',
      "props.rule and props.variant must name the rule and variant shown",
    ]);
  });
  it("refuses amounts that are not money", () => {
    const r = parseBatch(
      body([
        ev({ id: "huge-purchase-1", type: "purchase", props: { value: 1.7e308 } }),
        ev({ id: "negative-value1", type: "purchase", props: { value: -5_000_000 } }),
        ev({ id: "string-value-01", type: "purchase", props: { value: "100" } }),
        ev({ id: "negative-price1", type: "add_to_cart", props: { price: -1 } }),
        ev({ id: "fine-purchase-1", type: "purchase", props: { value: 2190, currency: "THB" } }),
      ]),
      NOW,
    );
    if (!r.ok) throw new Error("expected ok");
    expect(r.events.map((e) => e.id)).toEqual(["fine-purchase-1"]);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      "props.value must be an amount from 0 to 100000000",
      "props.value must be an amount from 0 to 100000000",
      "props.value must be an amount from 0 to 100000000",
      "props.price must be an amount from 0 to 100000000",
    ]);
  });
});
