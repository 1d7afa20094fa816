/**
 * POST {base}/e — an event batch from the SDK (JSON or a text/plain beacon). The body is read
 * with the contract's 64 KiB limit counted as it streams. Pages of this site, and of the
 * origins in ALLOWED_ORIGINS, may send; other sites may not.
 */
import { Hono } from "hono";
import { parseBatch } from "../core/batch";
import { currentRules } from "../rules/store";
import { visitContext } from "../http/context";
import { visitorCookie, visitorOf } from "../http/visitor";
import { profileOf, snapshotOf } from "../edge/decide";
import { exposuresAtEdge } from "../edge/exposure";
import { snapshotCookie, snapshotSecret } from "../http/snapshot";
import { readText, refuse } from "../http/body";
import { allowedOrigins, crossSiteRefusal } from "../http/same-site";
import { LIMITS, type WireIngestResult } from "../../sdk/src/wire";
import type { z } from "zod";
import type { IngestResult } from "../api/schemas";
import type { Settings } from "../settings";

export const events = new Hono<{ Bindings: Settings }>().post("/e", async (c) => {
  const now = Date.now();
  const crossSite = crossSiteRefusal(c.req.raw, allowedOrigins(c.env.ALLOWED_ORIGINS));
  if (crossSite) refuse(403, `${crossSite} (list the site's other origins in ALLOWED_ORIGINS)`);
  const rules = await currentRules(c.env, now);
  const batch = parseBatch(await readText(c.req.raw, LIMITS.maxBatchBytes), now, rules.known);
  if (!batch.ok) return c.json({ error: batch.message, path: batch.path }, batch.status);
  if (batch.events.length === 0 && batch.rejected.length > 0) {
    return c.json({ error: "no event in the batch was valid", kept: 0, duplicates: 0, rejected: batch.rejected }, 400);
  }
  const visitor = await visitorOf(c.req.raw, c.env);
  if (!visitor.mayStore) {
    const reason = visitor.isBot ? "bots are not profiled" : "Global Privacy Control";
    return c.json({ kept: 0, duplicates: 0, rejected: batch.rejected, stored: false, reason }, 202);
  }
  // The page the events come from is the batch's Referer: its UTM tags belong to the visit.
  const context = visitContext(c.req.raw, rules, c.env.DEFAULT_TIMEZONE, c.req.header("referer") ?? c.req.url);
  // The edge records exposures as pages go out; the SDK's impressions then only bring the
  // pages it could not attribute (before the visitor had a cookie) — the profile tells.
  const outcome = await profileOf(c.env, visitor.id).ingest(batch.events, context, now, false, exposuresAtEdge(c.env));
  if (visitor.isNew) c.header("set-cookie", await visitorCookie(visitor.id, c.env), { append: true });
  // The answer carries the fresh segment snapshot, so the next page needs no profile lookup.
  const secret = snapshotSecret(c.env);
  const snapshot = secret ? await snapshotCookie(secret, snapshotOf(visitor.id, outcome), now) : null;
  if (snapshot) c.header("set-cookie", snapshot, { append: true });
  const body: WireIngestResult & z.input<typeof IngestResult> = { kept: outcome.kept, duplicates: outcome.duplicates, rejected: batch.rejected };
  return c.json(body, 200);
});
