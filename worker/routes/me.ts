/**
 * GET {base}/me shows a visitor what is kept about them; DELETE {base}/me erases it all;
 * POST {base}/reset forgets who this browser is (logout) without erasing anything.
 */
import { Hono } from "hono";
import { profileOf } from "../edge/decide";
import { clearVisitorCookie, visitorOf } from "../http/visitor";
import { clearSnapshotCookie } from "../http/snapshot";
import { sameSiteOnly } from "../http/same-site";
import type { Settings } from "../settings";

const isPublic = (s: { name: string }) => !s.name.startsWith("@");

export const me = new Hono<{ Bindings: Settings }>()
  .get("/me", async (c) => {
    c.header("cache-control", "private, no-store");
    const visitor = await visitorOf(c.req.raw, c.env);
    if (visitor.isNew) return c.json({ visitorId: null, userId: null, traits: {}, scores: null, segments: [], history: [], events: [], context: null, arms: [] });
    const data = await profileOf(c.env, visitor.id).data();
    return c.json({
      visitorId: visitor.id,
      userId: data.userId,
      traits: data.traits,
      scores: data.scores,
      storedBytes: data.storedBytes,
      segments: data.segments.filter(isPublic),
      history: data.history.filter(isPublic),
      events: data.events,
      context: data.context,
      // The variants (or holdouts) this visitor was shown, for results.
      arms: data.arms.map(({ rule, variant, cohort, converted }) => ({ rule, variant, since: cohort, converted })),
    });
  })
  .delete("/me", sameSiteOnly, async (c) => {
    const visitor = await visitorOf(c.req.raw, c.env);
    if (!visitor.isNew) await profileOf(c.env, visitor.id).erase();
    c.header("set-cookie", clearVisitorCookie());
    c.header("set-cookie", clearSnapshotCookie(), { append: true });
    c.header("cache-control", "private, no-store");
    return c.json({ erased: !visitor.isNew });
  })
  .post("/reset", sameSiteOnly, (c) => {
    c.header("set-cookie", clearVisitorCookie());
    c.header("set-cookie", clearSnapshotCookie(), { append: true });
    return c.json({ reset: true });
  });
