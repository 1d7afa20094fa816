/**
 * Built-in scores, explainable by their factors (shown in /rujai/me and in preview):
 *
 * - engagement 1–5: points over 60 days — page view 1, search 2, product view 2, promo click
 *   3, add to cart 5, purchase 10 — plus 2 per active day; levels at 5, 15, 40 and 100 points.
 * - RFM group from recency, frequency and money of purchases over the whole lifetime
 *   (aggregates outlive the 90-day event history): champions, loyal, potential, new,
 *   at-risk, hibernating, lost; thresholds configurable in the rules document (`scores.rfm`).
 * - purchase intent 0–1 for the next two weeks: a logistic model over purchase history and
 *   recent behaviour (core/intent/): the documented priors, or the shop's own fitted model once
 *   there is enough history; its factors are the model's terms.
 * Pure.
 */
import { firstAfter, type ProfileView, type StoredEvent } from "./profile";
import { featuresAt } from "./intent/features";
import { PRIOR_MODEL, scoreIntent, type IntentModel } from "./intent/model";

const DAY = 86_400_000;

export interface Lifetime {
  orders: number;
  value: number;
  firstPurchase: number | null;
  lastPurchase: number | null;
  /** The last orders, oldest first (bounded): intent's features, and imports' idempotency by transaction id. */
  history?: Array<{ id: string; ts: number; value: number }>;
}

/** Orders remembered one by one; the totals above count every order. */
export const MAX_ORDER_HISTORY = 200;

export interface RfmThresholds {
  recentDays: number;
  lapsedDays: number;
  lostDays: number;
  loyalOrders: number;
  championOrders: number;
  championValue: number;
}

export const DEFAULT_RFM: RfmThresholds = { recentDays: 30, lapsedDays: 90, lostDays: 180, loyalOrders: 3, championOrders: 5, championValue: 10_000 };
export const RFM_GROUPS = ["champions", "loyal", "potential", "new", "at-risk", "hibernating", "lost"] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

export interface Factor {
  name: string;
  value: number | string;
  effect: number;
}

export interface Scores {
  engagement: { level: number; points: number; factors: Factor[] };
  rfm: { group: RfmGroup | null; recencyDays: number | null; orders: number; value: number };
  intent: { score: number; factors: Factor[] };
}

/** Lifetime purchase aggregates from events alone (when no kept aggregates exist). */
export function lifetimeOf(events: readonly StoredEvent[]): Lifetime {
  const life: Lifetime = { orders: 0, value: 0, firstPurchase: null, lastPurchase: null };
  for (const e of events) if (e.type === "purchase") addPurchase(life, e);
  return life;
}

/**
 * Counts a purchase once per transaction id (the browser's and the backend's report of one
 * order, or an import sent twice, count once); false when it was counted already.
 */
export function addPurchase(life: Lifetime, e: StoredEvent): boolean {
  const id = typeof e.props?.transaction_id === "string" && e.props.transaction_id ? `t:${e.props.transaction_id}` : `e:${e.id}`;
  const history = (life.history ??= []);
  if (history.some((o) => o.id === id)) return false;
  const raw = Number(e.props?.value);
  const value = Number.isFinite(raw) ? raw : 0;
  life.orders++;
  life.value += value;
  life.firstPurchase = life.firstPurchase === null ? e.ts : Math.min(life.firstPurchase, e.ts);
  life.lastPurchase = life.lastPurchase === null ? e.ts : Math.max(life.lastPurchase, e.ts);
  let at = history.length;
  while (at > 0 && history[at - 1]!.ts > e.ts) at--;
  history.splice(at, 0, { id, ts: e.ts, value });
  if (history.length > MAX_ORDER_HISTORY) history.splice(0, history.length - MAX_ORDER_HISTORY);
  return true;
}

function countSince(profile: ProfileView, type: string, from: number, to = Infinity): number {
  const list = profile.byType.get(type) ?? [];
  let n = 0;
  for (let i = firstAfter(list, from); i < list.length && list[i]!.ts <= to; i++) n++;
  return n;
}


export function engagement(profile: ProfileView, now: number): Scores["engagement"] {
  const from = now - 60 * DAY;
  const weights: Record<string, number> = { page_view: 1, search: 2, view_item: 2, click: 3, add_to_cart: 5, purchase: 10 };
  const factors: Factor[] = [];
  let points = 0;
  for (const [type, weight] of Object.entries(weights)) {
    const n = countSince(profile, type, from);
    if (n) factors.push({ name: `${type} in 60 days`, value: n, effect: n * weight });
    points += n * weight;
  }
  const days = new Set(profile.events.slice(firstAfter(profile.events, from)).map((e) => Math.floor(e.ts / DAY))).size;
  if (days) factors.push({ name: "active days in 60", value: days, effect: days * 2 });
  points += days * 2;
  const level = points >= 100 ? 5 : points >= 40 ? 4 : points >= 15 ? 3 : points >= 5 ? 2 : 1;
  return { level, points, factors };
}

export function rfm(life: Lifetime, now: number, t: RfmThresholds = DEFAULT_RFM): Scores["rfm"] {
  if (!life.orders || life.lastPurchase === null) return { group: null, recencyDays: null, orders: 0, value: 0 };
  const d = Math.floor((now - life.lastPurchase) / DAY);
  const group: RfmGroup =
    d > t.lostDays ? "lost"
    : d > t.lapsedDays ? (life.orders >= t.loyalOrders ? "at-risk" : "hibernating")
    : d <= t.recentDays && (life.orders >= t.championOrders || life.value >= t.championValue) ? "champions"
    : life.orders >= t.loyalOrders ? "loyal"
    : life.orders === 1 && d <= t.recentDays ? "new"
    : "potential";
  return { group, recencyDays: d, orders: life.orders, value: life.value };
}

export function intent(profile: ProfileView, life: Lifetime, now: number, model: IntentModel = PRIOR_MODEL): Scores["intent"] {
  return scoreIntent(model, featuresAt({ orders: life.history ?? [], profile, firstSeen: profile.events[0]?.ts ?? null }, now));
}

export function scoresOf(profile: ProfileView, life: Lifetime, now: number, thresholds?: RfmThresholds, model?: IntentModel): Scores {
  return { engagement: engagement(profile, now), rfm: rfm(life, now, thresholds), intent: intent(profile, life, now, model) };
}
