/** The delivery consumer on its own: per-destination rate limits, backoff. */
import { describe, expect, inject, it } from "vitest";
import { createMessageBatch, getQueueResult, createExecutionContext } from "cloudflare:test";
import { testEnv } from "../support/worker";
import { backoffMs, consumeDeliveries } from "../../worker/delivery/consumer";
import type { Delivery, DeliveryMessage } from "../../worker/core/message";

const receiver = inject("receiverUrl");

describe("the delivery consumer", () => {
  it("past a destination's rate, deliveries wait (retried later, not attempted, nothing dropped)", async () => {
    const path = `/ok/${crypto.randomUUID()}`;
    const destination = `rate-${crypto.randomUUID()}`;
    const deliveries: Delivery[] = Array.from({ length: 5 }, (_, i) => ({
      kind: "deliver", id: `rate:${destination}:${i}`, trigger: "rate", destination, type: "webhook", url: `${receiver}${path}`,
      secret: "CRM_WEBHOOK_SECRET", body: "{}", visitorId: "v", firstAt: Date.now(),
    }));
    const batch = createMessageBatch<DeliveryMessage>("rujai-deliveries", deliveries.map((body, i) => ({ id: String(i), timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    const env = { ...testEnv, DESTINATION_LIMIT: (testEnv as unknown as { TIGHT_LIMIT: RateLimit }).TIGHT_LIMIT };
    await consumeDeliveries(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.length).toBe(3);
    // (The test harness records which messages were retried, not their delay.)
    expect(result.retryMessages.map((r: { msgId: string }) => r.msgId)).toEqual(["3", "4"]);
    const got = ((await (await fetch(`${receiver}/__received`)).json()) as Array<{ path: string }>).filter((r) => r.path === path);
    expect(got).toHaveLength(3);
  });

  it("backs off exponentially with jitter, capped at an hour", () => {
    expect(backoffMs(1, 30_000, 0.5)).toBe(30_000);
    expect(backoffMs(3, 30_000, 0.5)).toBe(120_000);
    expect(backoffMs(20, 30_000, 0.5)).toBe(3_600_000);
    expect(backoffMs(2, 30_000, 0)).toBe(30_000);
    expect(backoffMs(2, 30_000, 0.999)).toBeCloseTo(89_940, 0);
  });
});
