/**
 * rujai edge worker: routes the public surface (DESIGN.md) under the configurable base path,
 * and personalizes every other page on its way from the origin.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { events } from "./routes/events";
import { decideRoute } from "./routes/decide";
import { me } from "./routes/me";
import { identify } from "./routes/identify";
import { schemaRoute } from "./routes/schema";
import { openApiRoutes } from "./routes/openapi";
import { adminApi } from "./admin/api";
import { adminPage } from "./admin/page";
import { audienceApi } from "./admin/audiences";
import { deliveryApi } from "./admin/deliveries";
import { statsApi } from "./admin/stats";
import { shadowApi } from "./admin/shadow";
import { intentApi } from "./admin/intent";
import { FIT_HOUR_UTC, fitIntentModel } from "./intent/fit-job";
import { extraScript, script } from "./routes/script";
import { servePage } from "./edge/page";
import { pathAndQuery } from "./edge/origin-request";
import { serverEvents } from "./routes/server-events";
import { rateLimited } from "./http/rate-limit";
import { requireAdmin } from "./http/admin-auth";
import { recordSizes, writeAudience } from "./audience/index-writer";
import type { AudienceMessage } from "./core/audience-row";
import type { DeliveryMessage } from "./core/message";
import { consumeDeliveries } from "./delivery/consumer";
import { syncAudiences } from "./audience/sync";
import { currentRules } from "./rules/store";
import type { Delivery } from "./core/message";
import type { Settings } from "./settings";

export { Profile } from "./profile/profile";
export { Stats } from "./stats/stats";
export { Identity } from "./identity/identity";

function buildApp(basePath: string) {
  const api = new Hono<{ Bindings: Settings }>()
    // What browsers call is rate-limited per visitor and per address.
    .use("/e", rateLimited)
    .use("/decide", rateLimited)
    .use("/identify", rateLimited)
    .use("/me", rateLimited)
    .use("/reset", rateLimited)
    .route("/", events)
    .route("/", serverEvents)
    .route("/", decideRoute)
    .route("/", me)
    .route("/", identify)
    .route("/", schemaRoute)
    .route("/", openApiRoutes)
    .route("/", adminPage)
    // One guard for every admin API (the page shell and its script above need none).
    .use("/admin/*", requireAdmin)
    .route("/", adminApi)
    .route("/", audienceApi)
    .route("/", deliveryApi)
    .route("/", statsApi)
    .route("/", shadowApi)
    .route("/", intentApi)
    .route("/", extraScript);
  const app = new Hono<{ Bindings: Settings }>()
    .route("/", script)
    .route(basePath, api)
    .all("*", (c) => servePage(c.req.raw, c.env, c.executionCtx));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.res ? error.getResponse() : c.json({ error: error.message, path: "$" }, error.status);
    console.error("rujai:", error);
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}

/** Whether a request is for rujai itself (its script or API) rather than a page of the site. */
function isRujai(url: string, basePath: string): boolean {
  const path = pathAndQuery(url);
  return path.startsWith("/rujai.js") || path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`);
}

const apps = new Map<string, ReturnType<typeof buildApp>>();

export default {
  async fetch(request, env, ctx) {
    const basePath = env.BASE_PATH || "/rujai";
    // Pages go straight to the page path: routing them through the app measured ~3 % of a
    // page's CPU (bench:profile), for a decision a prefix check makes.
    if (!isRujai(request.url, basePath)) {
      try {
        return await servePage(request, env, ctx);
      } catch (error) {
        console.error("rujai:", error);
        return Response.json({ error: "internal error" }, { status: 500 });
      }
    }
    let app = apps.get(basePath);
    if (!app) apps.set(basePath, (app = buildApp(basePath)));
    return app.fetch(request, env, ctx);
  },
  /** The audience index's writes (a failed batch is retried whole), and trigger deliveries. */
  async queue(batch, env) {
    if (batch.queue.startsWith("rujai-deliveries")) return consumeDeliveries(batch as MessageBatch<DeliveryMessage>, env);
    await writeAudience(env.AUDIENCE, (batch as MessageBatch<AudienceMessage>).messages.map((m) => m.body));
  },
  /** Hourly: each segment's size today, for the trend charts; audience syncs that are due; daily (20:00 UTC, 03:00 in Bangkok) the intent model's fit. */
  async scheduled(controller, env) {
    await recordSizes(env.AUDIENCE, controller.scheduledTime);
    // A failed fit keeps the model it had (and the priors before any); the syncs still run.
    if (new Date(controller.scheduledTime).getUTCHours() === FIT_HOUR_UTC) await fitIntentModel(env, controller.scheduledTime).catch((error: unknown) => console.error("rujai: intent fit failed:", error));
    const rules = await currentRules(env, controller.scheduledTime);
    await syncAudiences(env.AUDIENCE, env.DELIVERY_QUEUE as Queue<Delivery>, rules.document, controller.scheduledTime);
  },
} satisfies ExportedHandler<Settings, AudienceMessage | DeliveryMessage>;
