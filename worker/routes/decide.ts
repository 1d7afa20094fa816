/** GET {base}/decide?slots=hero,promo — the edge decision as JSON, for single-page apps. */
import { Hono } from "hono";
import { decide } from "../edge/decide";
import { renderSlot } from "../core/select";
import { visitorOf } from "../http/visitor";
import { clearSnapshotCookie } from "../http/snapshot";
import { exposureRecorder } from "../edge/exposure";
import type { Settings } from "../settings";

export const decideRoute = new Hono<{ Bindings: Settings }>().get("/decide", async (c) => {
  const only = c.req.query("slots")?.split(",").map((s) => s.trim()).filter(Boolean);
  const now = Date.now();
  const visitor = await visitorOf(c.req.raw, c.env);
  const decision = await decide(c.env, c.req.raw, visitor, now, only ?? []);
  // The app asked for these slots to show them: the same exposure a page's slots make.
  const observer = exposureRecorder(c.env, c.executionCtx, c.req.raw, visitor, decision, now);
  const slots: Record<string, { rule: string; variant: string; html: string | null }> = {};
  for (const [name, d] of decision.slots) {
    let html: string | null = null;
    try {
      html = renderSlot(d, decision.vars);
    } catch (error) {
      // As at the edge: a slot whose template fails keeps its default content.
      console.warn("rujai: slot left as default:", error);
      continue;
    }
    slots[name] = { rule: d.rule, variant: d.variant, html };
  }
  if (observer) {
    for (const name of only ?? []) observer.slot(name, name in slots);
    observer.end();
  }
  c.header("cache-control", "private, no-store");
  if (observer && decision.capped) c.header("set-cookie", clearSnapshotCookie());
  else if (decision.snapshotCookie) c.header("set-cookie", decision.snapshotCookie);
  return c.json({ segments: decision.segments, slots });
});
