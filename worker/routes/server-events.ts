/**
 * POST {base}/server/e — events from the site's backend (`Authorization: Bearer
 * <SERVER_TOKEN>`): the batch format of /e, each event naming its `userId` or `visitorId`,
 * dated up to 13 months back, and kept with `source: "server"` — so a rule can require a
 * purchase the backend confirmed (`where: {source: "server"}`), which no browser can forge.
 */
import { Hono } from "hono";
import { parseServerBatch } from "../core/batch";
import { currentRules } from "../rules/store";
import { profileOf } from "../edge/decide";
import { identityOf } from "../identity/identity";
import { readText } from "../http/body";
import { requireBearer } from "../http/admin-auth";
import { LIMITS } from "../../sdk/src/wire";
import type { StoredEvent } from "../core/profile";
import type { Settings } from "../settings";

export const serverEvents = new Hono<{ Bindings: Settings }>().post("/server/e", requireBearer("SERVER_TOKEN", "server events"), async (c) => {
  const now = Date.now();
  const rules = await currentRules(c.env, now);
  const batch = parseServerBatch(await readText(c.req.raw, LIMITS.maxBatchBytes), now, rules.known);
  if (!batch.ok) return c.json({ error: batch.message, path: batch.path }, batch.status);
  if (batch.events.length === 0 && batch.rejected.length > 0) {
    return c.json({ error: "no event in the batch was valid", kept: 0, duplicates: 0, rejected: batch.rejected }, 400);
  }
  const byOwner = new Map<string, StoredEvent[]>();
  batch.events.forEach((e, i) => byOwner.set(batch.owners[i]!, [...(byOwner.get(batch.owners[i]!) ?? []), e]));
  let kept = 0;
  let duplicates = 0;
  await Promise.all(
    [...byOwner].map(async ([owner, events]) => {
      const [kind, id] = [owner.slice(0, owner.indexOf(":")), owner.slice(owner.indexOf(":") + 1)];
      let profileKey = id;
      if (kind === "user") {
        const claim = await identityOf(c.env, id).claim(null, now, now);
        if (!claim.ok) throw new Error(claim.reason);
        profileKey = claim.profileKey;
      }
      const outcome = await profileOf(c.env, profileKey).ingest(events, null, now);
      kept += outcome.kept;
      duplicates += outcome.duplicates;
    }),
  );
  return c.json({ kept, duplicates, rejected: batch.rejected });
});
