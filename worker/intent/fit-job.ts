/**
 * The scheduled fit of the shop's purchase-intent model (daily, and on demand from the admin
 * API): a bounded random sample of indexed visitors, each Profile object asked for its
 * training rows (features at past instants 14 days apart, labelled by a purchase in the 14
 * days after), a fit (core/intent/fit.ts), and — when there was enough — the model in KV, where
 * every isolate picks it up with the rules. The latest card, fitted or not, is kept beside it.
 */
import { fitIntent } from "../core/intent/fit";
import type { IntentModel, ModelCard } from "../core/intent/model";
import { profileOf } from "../edge/decide";
import { forgetRules, INTENT_MODEL_KEY } from "../rules/store";
import type { Settings } from "../settings";

export const INTENT_CARD_KEY = "intent:card";
/** The UTC hour whose cron run also fits the model (a quiet hour in Thailand: 03:00). */
export const FIT_HOUR_UTC = 20;
const DAY = 86_400_000;
/**
 * Profiles asked per fit, and past instants per profile: 14 days apart, so no purchase labels
 * two rows of one customer, back to the 90-day events window.
 */
const SAMPLE = 2_000;
const INSTANTS = 6;
const PARALLEL = 25;

export interface FitReport {
  fitted: boolean;
  at: number;
  profiles: number;
  rows: number;
  positives: number;
  reason?: string;
  card?: ModelCard;
}

export async function fitIntentModel(env: Settings, now = Date.now()): Promise<FitReport> {
  const sample = await env.AUDIENCE.prepare("SELECT visitor_id AS id FROM visitors WHERE erased = 0 ORDER BY random() LIMIT ?").bind(SAMPLE).all<{ id: string }>();
  const instants = Array.from({ length: INSTANTS }, (_, k) => now - 14 * DAY - k * 14 * DAY);
  const rows: Array<{ key: string; x: number[]; y: 0 | 1 }> = [];
  const ids = sample.results.map((r) => r.id);
  for (let i = 0; i < ids.length; i += PARALLEL) {
    const batch = await Promise.all(
      ids.slice(i, i + PARALLEL).map(async (id) => {
        try {
          return (await profileOf(env, id).trainingRows(instants)).map((r) => ({ key: id, ...r }));
        } catch (error) {
          console.warn(`rujai: no training rows from ${id}:`, error);
          return [];
        }
      }),
    );
    for (const r of batch) rows.push(...r);
  }
  const fit = fitIntent(rows, now);
  const report: FitReport = fit.ok
    ? { fitted: true, at: now, profiles: ids.length, rows: rows.length, positives: rows.filter((r) => r.y).length, card: fit.model.card! }
    : { fitted: false, at: now, profiles: ids.length, rows: rows.length, positives: rows.filter((r) => r.y).length, reason: fit.reason };
  if (fit.ok) await env.RULES.put(INTENT_MODEL_KEY, JSON.stringify(fit.model satisfies IntentModel));
  await env.RULES.put(INTENT_CARD_KEY, JSON.stringify(report));
  forgetRules();
  return report;
}
