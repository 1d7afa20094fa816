/**
 * The purchase-intent model (admin, Bearer ADMIN_TOKEN): `GET` the model in use — priors or
 * the shop's fitted one, with its card and coefficients — and the last fit's report; `POST
 * /fit` runs a fit now (as the daily job does) and answers with its report.
 */
import { Hono } from "hono";
import { currentRules } from "../rules/store";
import { fitIntentModel, INTENT_CARD_KEY, type FitReport } from "../intent/fit-job";
import type { Settings } from "../settings";

export const intentApi = new Hono<{ Bindings: Settings }>()
  .get("/admin/intent", async (c) => {
    const { intent } = await currentRules(c.env);
    const lastFit = await c.env.RULES.get<FitReport>(INTENT_CARD_KEY, "json");
    return c.json({
      model: { kind: intent.kind, card: intent.card, bias: intent.bias, coefficients: intent.features.map((name, i) => ({ name, weight: intent.weights[i]!, mean: intent.means[i]!, std: intent.stds[i]! })) },
      lastFit,
    });
  })
  .post("/admin/intent/fit", async (c) => c.json(await fitIntentModel(c.env)));
