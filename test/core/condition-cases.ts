/**
 * The condition language's spec as cases: [name, condition, events, now, expected, timezone?].
 * Times are minutes before NOW unless absolute; every bug fix adds a case.
 */
import type { Condition, Schedule } from "../../worker/rules/schema";
import type { StoredEvent, VisitContext } from "../../worker/core/profile";

// Wed 2026-03-04 11:00 UTC = 18:00 in Bangkok.
export const NOW = Date.UTC(2026, 2, 4, 11, 0, 0);
const MIN = 60_000;
let n = 0;
export const ago = (minutes: number, type: string, props?: StoredEvent["props"]): StoredEvent =>
  props ? { id: `c${n++}`, type, ts: NOW - minutes * MIN, props } : { id: `c${n++}`, type, ts: NOW - minutes * MIN };

const sneaker = (m: number) => ago(m, "view_item", { category: "sneakers", price: 2890 });
const dress = (m: number) => ago(m, "view_item", { category: "dresses", price: 1590 });

export interface Extras {
  traits?: Record<string, unknown>;
  context?: Partial<VisitContext>;
}
export type Case = [name: string, condition: Condition, events: StoredEvent[], now: number, expected: boolean, timezone?: string, extras?: Extras];

export const cases: Case[] = [
  ["count: three sneaker views in 7d", { count: { event: "view_item", where: { category: "sneakers" }, within: "7d" }, atLeast: 3 }, [sneaker(10), sneaker(20), sneaker(30)], NOW, true],
  ["count: two are not enough", { count: { event: "view_item", where: { category: "sneakers" }, within: "7d" }, atLeast: 3 }, [sneaker(10), sneaker(20), dress(5)], NOW, false],
  ["count: views older than the window do not count", { count: { event: "view_item", where: { category: "sneakers" }, within: "7d" }, atLeast: 3 }, [sneaker(10), sneaker(20), sneaker(8 * 24 * 60)], NOW, false],
  ["count: no comparator means at least one", { count: { event: "add_to_cart" } }, [ago(5, "add_to_cart")], NOW, true],
  ["count: atMost 0 holds with none", { count: { event: "purchase", within: "3d" }, atMost: 0 }, [ago(5, "add_to_cart")], NOW, true],
  ["count: atMost 0 fails with one", { count: { event: "purchase", within: "3d" }, atMost: 0 }, [ago(5, "purchase")], NOW, false],
  ["count: eq", { count: { event: "page_view" }, eq: 2 }, [ago(1, "page_view"), ago(2, "page_view")], NOW, true],
  ["where: in", { count: { event: "view_item", where: { category: { in: ["dresses", "cosmetics"] } } } }, [dress(3)], NOW, true],
  ["where: gte on price", { count: { event: "view_item", where: { price: { gte: 2000 } } } }, [dress(3)], NOW, false],
  ["where: contains is case-insensitive", { count: { event: "search", where: { search_term: { contains: "SNEAK" } } } }, [ago(1, "search", { search_term: "white sneakers" })], NOW, true],
  ["where: missing prop never equals", { count: { event: "view_item", where: { brand: "x" } } }, [dress(3)], NOW, false],
  ["sum: purchase value over 30d", { sum: { event: "purchase", prop: "value", within: "30d" }, atLeast: 3000 }, [ago(60, "purchase", { value: 1500 }), ago(120, "purchase", { value: 1600 })], NOW, true],
  ["sum: below threshold", { sum: { event: "purchase", prop: "value", within: "30d" }, atLeast: 3000 }, [ago(60, "purchase", { value: 1500 })], NOW, false],
  ["since: add_to_cart at least 30m ago", { since: { event: "add_to_cart" }, atLeast: "30m" }, [ago(31, "add_to_cart")], NOW, true],
  ["since: 29m is not yet", { since: { event: "add_to_cart" }, atLeast: "30m" }, [ago(29, "add_to_cart")], NOW, false],
  ["since: the last one counts", { since: { event: "add_to_cart" }, atLeast: "30m" }, [ago(90, "add_to_cart"), ago(10, "add_to_cart")], NOW, false],
  ["since: never happened is false", { since: { event: "add_to_cart" }, atLeast: "30m" }, [], NOW, false],
  ["since: page views do not reset it", { since: { event: "add_to_cart" }, atLeast: "30m" }, [ago(40, "add_to_cart"), ago(1, "page_view")], NOW, true],
  ["since: between 10 and 30 days", { since: { event: "purchase" }, atLeast: "10d", atMost: "30d" }, [ago(15 * 24 * 60, "purchase")], NOW, true],
  ["since: too recent for the range", { since: { event: "purchase" }, atLeast: "10d", atMost: "30d" }, [ago(3 * 24 * 60, "purchase")], NOW, false],
  ["idleFor: 30m with nothing", { idleFor: "30m" }, [ago(45, "add_to_cart")], NOW, true],
  ["idleFor: a page view ends it", { idleFor: "30m" }, [ago(45, "add_to_cart"), ago(1, "page_view")], NOW, false],
  ["idleFor: no history is not idle", { idleFor: "30m" }, [], NOW, false],
  ["firstSeenWithin: empty profile is new", { firstSeenWithin: "1h" }, [], NOW, true],
  ["firstSeenWithin: seen 2h ago is not new", { firstSeenWithin: "1h" }, [ago(120, "page_view"), ago(1, "page_view")], NOW, false],
  ["localTime: 18:00 Bangkok is evening", { localTime: { from: "17:00", to: "21:00" } }, [], NOW, true, "Asia/Bangkok"],
  ["localTime: 11:00 UTC is not evening in UTC", { localTime: { from: "17:00", to: "21:00" } }, [], NOW, false, "UTC"],
  ["localTime: 10:00 Bangkok is not evening", { localTime: { from: "17:00", to: "21:00" } }, [], NOW - 8 * 60 * MIN, false, "Asia/Bangkok"],
  ["localTime: 'to' is exclusive", { localTime: { from: "17:00", to: "18:00" } }, [], NOW, false, "Asia/Bangkok"],
  ["localTime: crossing midnight, 23:30", { localTime: { from: "22:00", to: "06:00" } }, [], NOW + 330 * MIN, true, "Asia/Bangkok"],
  ["localTime: crossing midnight, 07:00", { localTime: { from: "22:00", to: "06:00" } }, [], NOW + 13 * 60 * MIN, false, "Asia/Bangkok"],
  ["days: Wednesday in Bangkok", { days: ["wed"] }, [], NOW, true, "Asia/Bangkok"],
  ["days: still Wednesday (20:00) in Tokyo", { days: ["thu"] }, [], NOW, false, "Asia/Tokyo"],
  ["days: late Wednesday UTC is Thursday in Bangkok", { days: ["thu"] }, [], NOW + 12 * 60 * MIN, true, "Asia/Bangkok"],
  ["all: every part must hold", { all: [{ count: { event: "add_to_cart" } }, { count: { event: "purchase" }, atMost: 0 }] }, [ago(5, "add_to_cart"), ago(3, "purchase")], NOW, false],
  ["any: one part is enough", { any: [{ count: { event: "purchase" } }, { count: { event: "add_to_cart" } }] }, [ago(5, "add_to_cart")], NOW, true],
  ["not: negates", { not: { count: { event: "purchase" } } }, [], NOW, true],
  ["segment: refers to another segment", { segment: "buyers" }, [ago(5, "purchase")], NOW, true],
  ["segment: unknown segment never holds", { segment: "nobody" }, [ago(5, "purchase")], NOW, false],
  ["lastSeen: back after 10 days away", { lastSeen: { atLeast: "7d", atMost: "30d" } }, [ago(10 * 24 * 60, "page_view")], NOW, true],
  ["lastSeen: seen yesterday is too recent", { lastSeen: { atLeast: "7d" } }, [ago(24 * 60, "page_view")], NOW, false],
  ["context: country from the edge", { context: { country: "TH" } }, [], NOW, true, "Asia/Bangkok", { context: { country: "TH" } }],
  ["context: device in a list", { context: { device: { in: ["mobile", "tablet"] } } }, [], NOW, false, "Asia/Bangkok", { context: { device: "desktop" } }],
  ["context: UTM of this landing page", { context: { utm_source: "facebook", utm_campaign: { contains: "11.11" } } }, [], NOW, true, "Asia/Bangkok", { context: { utm_source: "facebook", utm_campaign: "sale-11.11" } }],
  ["context: UTM remembered from the landing page view", { context: { utm_medium: "email" } }, [ago(20, "page_view", { path: "/?utm_source=newsletter&utm_medium=email", referrer: "" }), ago(5, "page_view", { path: "/cart", referrer: "https://shop.test/" })], NOW, true, "Asia/Bangkok", { context: { host: "shop.test" } }],
  ["context: external referrer host, not our own pages", { context: { referrer: "google.com" } }, [ago(20, "page_view", { path: "/", referrer: "https://www.google.com/search?q=sneakers" }), ago(5, "page_view", { path: "/c/sneakers", referrer: "https://shop.test/" })], NOW, true, "Asia/Bangkok", { context: { host: "shop.test" } }],
  ["context: unknown value does not match", { context: { browser: "safari" } }, [], NOW, false],
  ["trait: gold or platinum tier", { trait: { tier: { in: ["gold", "platinum"] } } }, [], NOW, true, "Asia/Bangkok", { traits: { tier: "gold" } }],
  ["trait: points range", { trait: { points: { gte: 1000, lt: 5000 } } }, [], NOW, false, "Asia/Bangkok", { traits: { points: 5200 } }],
  ["trait: tags include vip", { trait: { tags: { has: "VIP" } } }, [], NOW, true, "Asia/Bangkok", { traits: { tags: "newsletter, vip" } }],
  ["trait: tags do not match a prefix", { trait: { tags: { has: "vip" } } }, [], NOW, false, "Asia/Bangkok", { traits: { tags: "vip-lite" } }],
  ["trait: missing trait", { trait: { tier: "gold" } }, [], NOW, false],
  ["birthMonth: March birthday in March", { birthMonth: true }, [], NOW, true, "Asia/Bangkok", { traits: { birth_month: 3 } }],
  ["birthMonth: other month", { birthMonth: true }, [], NOW, false, "Asia/Bangkok", { traits: { birth_month: "12" } }],
  ["score: any visitor has an engagement level of at least 1", { score: { engagement: { gte: 1 } } }, [ago(10, "page_view", { path: "/" })], NOW, true],
  ["score: no purchases, no RFM group", { score: { rfm: "loyal" } }, [ago(10, "page_view", { path: "/" })], NOW, false],
];

/** Slot-rule schedules: [name, schedule, now, expected] in Bangkok time (NOW is Wed 18:00). */
export const scheduleCases: Array<[string, Schedule, number, boolean]> = [
  ["inside the date range", { from: "2026-03-01", until: "2026-03-31" }, NOW, true],
  ["before the range", { from: "2026-03-05" }, NOW, false],
  ["until is inclusive (the whole local day)", { until: "2026-03-04" }, NOW, true],
  ["past until in Bangkok although not yet in UTC", { until: "2026-03-04" }, NOW + 6 * 60 * MIN + 30 * MIN, false],
  ["on the right day", { days: ["wed"] }, NOW, true],
  ["hours", { hours: { from: "17:00", to: "21:00" } }, NOW, true],
  ["all parts must hold", { days: ["wed"], hours: { from: "09:00", to: "12:00" } }, NOW, false],
];

/** Segments available to `segment` cases. */
export const referencedSegments: Record<string, Condition> = { buyers: { count: { event: "purchase" } } };
