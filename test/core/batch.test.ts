import { describe, expect, it } from "vitest";
import { parseBatch } from "../../worker/core/batch";

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
});
