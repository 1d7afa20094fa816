/**
 * What purchase intent is predicted from, as of any instant `t` (now for a score, a past
 * instant for a training row): the purchase history (kept whole, imported orders included)
 * and the recent behaviour the events window holds. Numbers only, in a fixed order; the
 * model (model.ts) weighs them. Pure.
 */
import { firstAfter, type ProfileView } from "../profile";

const DAY = 86_400_000;

/** Each feature's name as a marketer reads it in the factors. */
export const FEATURES = [
  "has bought before",
  "days since the last order (log)",
  "orders (log)",
  "average order value (log)",
  "typical days between orders (log)",
  "share of the typical gap gone by",
  "days since first seen (log)",
  "cart in the last 3 days, not bought since",
  "cart in the last 14 days, not bought since",
  "checkout begun in 3 days, not bought since",
  "product views in 7 days (log)",
  "browsing trend week over week",
  "engagement in 60 days (log)",
  "orders per 30 days since the first (log)",
  "silence as a share of the time since the first order",
  "ordered in the last 14 days",
  "ordered in the last 60 days",
  "repeat orders × silence since (log ratio)",
] as const;

export interface Order {
  ts: number;
  value: number;
}

export interface IntentHistory {
  /** Every known order, oldest first. */
  orders: readonly Order[];
  /** The kept events (90 days). */
  profile: ProfileView;
  /** The first instant anything is known of the visitor. */
  firstSeen: number | null;
}

const ENGAGEMENT_WEIGHTS: Record<string, number> = { page_view: 1, search: 2, view_item: 2, click: 3, add_to_cart: 5, purchase: 10 };

function count(profile: ProfileView, type: string, from: number, to: number): number {
  const list = profile.byType.get(type) ?? [];
  let n = 0;
  for (let i = firstAfter(list, from); i < list.length && list[i]!.ts <= to; i++) n++;
  return n;
}

function lastBefore(profile: ProfileView, type: string, t: number): number | undefined {
  const list = profile.byType.get(type) ?? [];
  const i = firstAfter(list, t) - 1;
  return i >= 0 ? list[i]!.ts : undefined;
}

/** The features at `t` (only what was known at `t` is read). */
export function featuresAt(h: IntentHistory, t: number): number[] {
  const n = firstAfter(h.orders, t);
  const orders = h.orders.slice(0, n);
  const last = orders.at(-1)?.ts;
  const sinceLast = last === undefined ? 0 : (t - last) / DAY;
  const gap = orders.length >= 2 ? (orders.at(-1)!.ts - orders[0]!.ts) / DAY / (orders.length - 1) : 0;
  const value = orders.reduce((s, o) => s + o.value, 0);
  const firstSeen = Math.min(h.firstSeen ?? Infinity, orders[0]?.ts ?? Infinity);
  const p = h.profile;
  const lastPurchase = last ?? -Infinity;
  const cart = lastBefore(p, "add_to_cart", t);
  const checkout = lastBefore(p, "begin_checkout", t);
  const views = count(p, "view_item", t - 7 * DAY, t);
  const thisWeek = count(p, "page_view", t - 7 * DAY, t) + views;
  const lastWeek = count(p, "page_view", t - 14 * DAY, t - 7 * DAY) + count(p, "view_item", t - 14 * DAY, t - 7 * DAY);
  let engagement = 0;
  for (const [type, weight] of Object.entries(ENGAGEMENT_WEIGHTS)) engagement += weight * count(p, type, t - 60 * DAY, t);
  return [
    orders.length ? 1 : 0,
    Math.log1p(sinceLast),
    Math.log1p(orders.length),
    orders.length ? Math.log1p(value / orders.length) : 0,
    Math.log1p(gap),
    gap > 0 ? Math.min(5, sinceLast / gap) : 0,
    Number.isFinite(firstSeen) && firstSeen <= t ? Math.log1p((t - firstSeen) / DAY) : 0,
    cart !== undefined && cart > lastPurchase && t - cart <= 3 * DAY ? 1 : 0,
    cart !== undefined && cart > lastPurchase && t - cart <= 14 * DAY ? 1 : 0,
    checkout !== undefined && checkout > lastPurchase && t - checkout <= 3 * DAY ? 1 : 0,
    Math.log1p(views),
    Math.max(-1, Math.min(1, Math.log2((thisWeek + 1) / (lastWeek + 1)))),
    Math.log1p(engagement),
    orders.length ? Math.log1p((30 * orders.length) / ((t - orders[0]!.ts) / DAY + 30)) : 0,
    orders.length ? sinceLast / ((t - orders[0]!.ts) / DAY + 1) : 0,
    orders.length && sinceLast <= 14 ? 1 : 0,
    orders.length && sinceLast <= 60 ? 1 : 0,
    // As in BG/NBD's chance of being still active: many repeat orders, then a long silence
    // relative to the span they came in, means likely gone.
    orders.length >= 2 ? (orders.length - 1) * Math.log(((t - orders[0]!.ts) / DAY + 30) / ((last! - orders[0]!.ts) / DAY + 30)) : 0,
  ];
}

/** Whether an order falls in (t, t + horizon]: the label a training row is scored against. */
export function boughtWithin(orders: readonly Order[], t: number, horizonMs = 14 * DAY): boolean {
  const i = firstAfter(orders, t);
  return i < orders.length && orders[i]!.ts <= t + horizonMs;
}
