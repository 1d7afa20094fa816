/**
 * Audience-sync destinations: on the Cron Trigger, a segment's membership changes since the
 * last sync go to a webhook in batches of at most 500, signed like every delivery; the next
 * sync sends only what changed after.
 */
import { describe, expect, inject, it, vi } from "vitest";
import { createScheduledController } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import worker from "../../worker/index";
import { putRules, testEnv } from "../support/worker";
import { writeAudience } from "../../worker/audience/index-writer";
import { FIT_HOUR_UTC } from "../../worker/intent/fit-job";
import type { AudienceMessage, AudienceRow } from "../../worker/core/audience-row";

const receiver = inject("receiverUrl");
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // vitest.config.ts
const HOUR = 3_600_000;
const row = (segments: string[], userId: string | null = null): AudienceRow => ({
  userId, segments: segments.map((name) => ({ name, since: 1 })), intent: 0.1, intentFactors: [], engagement: 1, rfm: null, orders: 0, value: 0, topCategory: null, lastSeen: 0, traits: {},
});
interface Sync {
  data: { segment: string; entered: Array<{ visitorId: string; userId: string | null }>; left: Array<{ visitorId: string }> };
}
const posts = async (path: string) =>
  ((await (await fetch(`${receiver}/__received`)).json()) as Array<{ path: string; headers: Record<string, string>; body: string }>).filter((r) => r.path === path);
/**
 * An instant at or before `now` whose hour and the next are both clear of FIT_HOUR_UTC: the
 * cron run of that hour also fits the intent model, asking a Profile object for each of the
 * 1,200 visitors indexed here — another test's business, and slower than this one's timeout.
 */
const clearOfFitHour = (now: number) => {
  let at = now;
  while ([at, at + HOUR].some((t) => new Date(t).getUTCHours() === FIT_HOUR_UTC)) at -= HOUR;
  return at;
};
const cron = (at: number) => worker.scheduled(createScheduledController({ scheduledTime: at, cron: "0 * * * *" }), testEnv);

describe("audience sync", () => {
  it("posts who entered and left since the last sync, in signed batches of at most 500", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const segment = `sync-${run}`;
    const path = `/ok/sync-${run}`;
    await putRules({
      segments: { [segment]: { when: { count: { event: "purchase" }, atLeast: 1 } } },
      slots: {},
      destinations: { "crm-sync": { type: "audience-sync", url: `${receiver}${path}`, secret: "CRM_WEBHOOK_SECRET", segment, every: "1h" } },
    });
    const ids = Array.from({ length: 1_200 }, (_, i) => `${run}-visitor-${i}`);
    const t0 = clearOfFitHour(Date.now());
    const entering: AudienceMessage[] = ids.map((visitorId, i) => ({ visitorId, version: 10, row: row([segment], i % 3 === 0 ? `user-${i}` : null) }));
    for (let i = 0; i < entering.length; i += 100) await writeAudience(testEnv.AUDIENCE, entering.slice(i, i + 100), t0);

    await cron(t0);
    const first = await vi.waitFor(
      async () => {
        const got = await posts(path);
        if (got.length < 3) throw new Error(`${got.length} of 3 batches`);
        return got;
      },
      { timeout: 10_000, interval: 100 },
    );
    const batches = first.map((p) => new Webhook(SECRET).verify(p.body, p.headers) as Sync);
    expect(batches.map((b) => b.data.entered.length).sort()).toEqual([200, 500, 500]);
    expect(new Set(batches.flatMap((b) => b.data.entered.map((e) => e.visitorId)))).toEqual(new Set(ids));
    expect(batches.flatMap((b) => b.data.entered).find((e) => e.visitorId === ids[3])!.userId).toBe("user-3");

    // Three leave, two new ones enter; an hour later only that is sent.
    await writeAudience(testEnv.AUDIENCE, [
      ...ids.slice(0, 3).map((visitorId): AudienceMessage => ({ visitorId, version: 20, row: row([]) })),
      ...["a", "b"].map((x): AudienceMessage => ({ visitorId: `${run}-late-${x}`, version: 10, row: row([segment]) })),
    ], t0 + HOUR / 2);
    await cron(t0 + 10 * 60_000); // too soon for every: "1h"
    await cron(t0 + HOUR);
    const second = await vi.waitFor(
      async () => {
        const got = await posts(path);
        if (got.length < 4) throw new Error("the second sync has not arrived");
        return got;
      },
      { timeout: 10_000, interval: 100 },
    );
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await posts(path)).toHaveLength(4);
    const latest = new Webhook(SECRET).verify(second[3]!.body, second[3]!.headers) as Sync;
    expect(latest.data.left.map((l) => l.visitorId).sort()).toEqual(ids.slice(0, 3).sort());
    expect(latest.data.entered.map((e) => e.visitorId).sort()).toEqual([`${run}-late-a`, `${run}-late-b`]);
  }, 30_000);
});
