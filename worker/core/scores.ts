/**
 * Built-in scores, explainable by their factors (shown in /rujai/me and in preview):
 *
 * - engagement 1–5: points over 60 days — page view 1, search 2, product view 2, promo click
 *   3, add to cart 5, purchase 10 — plus 2 per active day; levels at 5, 15, 40 and 100 points.
 * - RFM group from recency, frequency and money of purchases over the whole lifetime
 *   (aggregates outlive the 90-day event history): champions, loyal, potential, new,
 *   at-risk, hibernating, lost; thresholds configurable in the rules document (`scores.rfm`).
 * - purchase intent 0–1 for the next two weeks: a logistic score,
 *     intent = 1 / (1 + e^−z),  z = −2.2 + Σ factors
 *   recent cart +1.6 (3 days) or +0.8 (14 days) when newer than the last purchase; checkout
 *   begun in 3 days without purchase +1.0; product views in 7 days up to +0.4; browsing
 *   growing week over week up to +0.6 (shrinking down to −0.6); bought within 7 days −1.5,
 *   within 14 days −0.5 (they just did); repeat buyer whose last order was 14–60 days ago
 *   +0.5. So a visitor who bought 3 days ago and still has a cart scores lower than one who
 *   bought 2 weeks ago and carted in the last 3 days.
 * Pure.
 */
import { firstAfter, type ProfileView, type StoredEvent } from "./profile";

const DAY = 86_400_000;

export interface Lifetime {
  orders: number;
  value: number;
  firstPurchase: number | null;
  lastPurchase: number | null;
}

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

export function addPurchase(life: Lifetime, e: StoredEvent): void {
  life.orders++;
  const value = Number(e.props?.value);
  if (Number.isFinite(value)) life.value += value;
  life.firstPurchase = life.firstPurchase === null ? e.ts : Math.min(life.firstPurchase, e.ts);
  life.lastPurchase = life.lastPurchase === null ? e.ts : Math.max(life.lastPurchase, e.ts);
}

function countSince(profile: ProfileView, type: string, from: number, to = Infinity): number {
  const list = profile.byType.get(type) ?? [];
  let n = 0;
  for (let i = firstAfter(list, from); i < list.length && list[i]!.ts <= to; i++) n++;
  return n;
}

const lastOf = (profile: ProfileView, type: string) => profile.byType.get(type)?.at(-1)?.ts;

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

export function intent(profile: ProfileView, life: Lifetime, now: number): Scores["intent"] {
  const factors: Factor[] = [];
  const add = (name: string, value: number | string, effect: number) => {
    if (effect !== 0) factors.push({ name, value, effect: Math.round(effect * 100) / 100 });
  };
  const lastPurchase = life.lastPurchase ?? -Infinity;
  const lastCart = lastOf(profile, "add_to_cart");
  if (lastCart !== undefined && lastCart > lastPurchase) {
    const days = (now - lastCart) / DAY;
    if (days <= 3) add("added to cart in the last 3 days", `${days.toFixed(1)} days ago`, 1.6);
    else if (days <= 14) add("added to cart in the last 14 days", `${days.toFixed(1)} days ago`, 0.8);
  }
  const checkout = lastOf(profile, "begin_checkout");
  if (checkout !== undefined && checkout > lastPurchase && now - checkout <= 3 * DAY) add("began checkout without buying", "in 3 days", 1.0);
  const views = countSince(profile, "view_item", now - 7 * DAY);
  add("product views in 7 days", views, 0.4 * Math.min(views, 5) / 5);
  const thisWeek = countSince(profile, "page_view", now - 7 * DAY) + views;
  const lastWeek = countSince(profile, "page_view", now - 14 * DAY, now - 7 * DAY) + countSince(profile, "view_item", now - 14 * DAY, now - 7 * DAY);
  const trend = Math.max(-1, Math.min(1, Math.log2((thisWeek + 1) / (lastWeek + 1))));
  add("browsing trend week over week", `${thisWeek} vs ${lastWeek}`, 0.6 * trend);
  const sincePurchase = (now - lastPurchase) / DAY;
  if (sincePurchase <= 7) add("bought within 7 days", `${sincePurchase.toFixed(1)} days ago`, -1.5);
  else if (sincePurchase <= 14) add("bought within 14 days", `${sincePurchase.toFixed(1)} days ago`, -0.5);
  else if (life.orders >= 2 && sincePurchase <= 60) add("repeat buyer due again", `${life.orders} orders`, 0.5);
  const z = -2.2 + factors.reduce((s, f) => s + f.effect, 0);
  return { score: Math.round((1 / (1 + Math.exp(-z))) * 1000) / 1000, factors };
}

export function scoresOf(profile: ProfileView, life: Lifetime, now: number, thresholds?: RfmThresholds): Scores {
  return { engagement: engagement(profile, now), rfm: rfm(life, now, thresholds), intent: intent(profile, life, now) };
}
