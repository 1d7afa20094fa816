/**
 * The messages admin API (Bearer ADMIN_TOKEN, checked in index.ts): recent deliveries (all, or delivered, failed,
 * dead), each trigger's counts, retrying one delivery (same id, so a receiver that dedupes
 * by webhook-id still sees it once), and a test message to any destination.
 */
import { Hono } from "hono";
import { refuse } from "../http/body";
import { currentRules } from "../rules/store";
import type { Delivery, DeliveryMessage } from "../core/message";
import { deliveryOf } from "../core/message";
import { readArmDays } from "../stats/read";
import { daysBetween, ruleResults } from "../core/results";
import { DEFAULT_GOAL } from "../rules/schema";
import type { Settings } from "../settings";

type Env = { Bindings: Settings };
const STATUSES = ["pending", "delivered", "failed", "dead"];

export const deliveryApi = new Hono<Env>()
  .get("/admin/deliveries", async (c) => {
    const status = c.req.query("status");
    if (status !== undefined && !STATUSES.includes(status)) refuse(400, `status must be one of ${STATUSES.join(", ")}`, "$.status");
    const db = c.env.AUDIENCE;
    const rows = await db
      .prepare(`SELECT id, trigger, destination, visitor_id AS visitorId, status, attempts, last_status AS lastStatus, last_error AS lastError, created_at AS createdAt, updated_at AS updatedAt
        FROM deliveries ${status ? "WHERE status = ?" : ""} ORDER BY updated_at DESC LIMIT 200`)
      .bind(...(status ? [status] : []))
      .all();
    const today = new Date().toISOString().slice(0, 10);
    const since = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const counts = await db.prepare("SELECT trigger, outcome, SUM(n) AS n FROM trigger_counts WHERE day >= ? GROUP BY trigger, outcome").bind(since).all<{ trigger: string; outcome: string; n: number }>();
    const byTrigger: Record<string, Record<string, number>> = {};
    for (const r of counts.results) (byTrigger[r.trigger] ??= {})[r.outcome] = r.n;
    // Each trigger measured like a slot rule: visitors sent to vs held out, reaching its goal.
    const rules = await currentRules(c.env);
    const triggers = rules.document.triggers ?? [];
    const armDays = triggers.length ? await readArmDays(c.env, since, triggers.map((t) => `trigger:${t.id}`)) : [];
    const days = daysBetween(since, today);
    const results = Object.fromEntries(
      triggers.map((t) => [t.id, { holdout: t.holdout ?? 0, goal: t.goal ?? DEFAULT_GOAL, ...ruleResults(armDays.filter((r) => r.rule === `trigger:${t.id}`), days) }] as const),
    );
    return c.json({ deliveries: rows.results, triggers: byTrigger, results });
  })
  .post("/admin/deliveries/:id/retry", async (c) => {
    const row = await c.env.AUDIENCE.prepare("SELECT message, status FROM deliveries WHERE id = ?").bind(c.req.param("id")).first<{ message: string; status: string }>();
    if (!row) refuse(404, `no delivery ${c.req.param("id")}`, "$.id");
    if (row.status === "delivered") refuse(409, "this delivery was already delivered", "$.id");
    const message = { ...(JSON.parse(row.message) as Delivery), firstAt: Date.now() };
    await c.env.AUDIENCE.prepare("UPDATE deliveries SET status = 'pending', updated_at = ? WHERE id = ?").bind(Date.now(), message.id).run();
    await (c.env.DELIVERY_QUEUE as Queue<DeliveryMessage>).send(message);
    return c.json({ queued: message.id });
  })
  .post("/admin/destinations/:name/test", async (c) => {
    const rules = await currentRules(c.env);
    const name = c.req.param("name");
    const destination = rules.document.destinations?.[name];
    if (!destination) refuse(404, `no destination "${name}" in the serving rules`, "$.name");
    if (destination.type === "audience-sync") refuse(400, "send test works for webhook and line destinations", "$.name");
    const now = Date.now();
    const trigger = { id: "test", on: { event: "test" }, to: name, message: { text: "rujai test message · ข้อความทดสอบ" }, payload: { test: true } };
    const delivery = deliveryOf(trigger, destination, { id: `test:${crypto.randomUUID()}`, trigger: "test", at: now, due: now }, { traits: { [destination.type === "line" ? destination.to.slice(6) : "_"]: c.req.query("to") ?? "" } }, { visitorId: "test", userId: null }, now);
    if ("skip" in delivery) refuse(400, `${delivery.skip}: give ?to=<LINE user id>`, "$.to");
    await (c.env.DELIVERY_QUEUE as Queue<DeliveryMessage>).send(delivery);
    return c.json({ queued: delivery.id });
  });
