/**
 * Plain-language summaries of conditions and rules, for marketers: the admin page's segment
 * list and the preview's explanations. Pure.
 */
import type { Condition, PropTest, Schedule, SlotRule } from "../rules/schema";

const EVENT_PHRASES: Record<string, string> = {
  page_view: "viewed a page",
  view_item: "viewed a product",
  search: "searched",
  add_to_cart: "added to cart",
  remove_from_cart: "removed from cart",
  begin_checkout: "began checkout",
  purchase: "purchased",
  sign_up: "signed up",
  login: "logged in",
  click: "clicked a promo",
  impression: "saw a promo",
};
const UNITS: Record<string, string> = { s: "second", m: "minute", h: "hour", d: "day" };

export const eventPhrase = (type: string) => EVENT_PHRASES[type] ?? `did "${type}"`;

export function durationText(d: string): string {
  const n = Number(d.slice(0, -1));
  const unit = UNITS[d.slice(-1)]!;
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

function testText(key: string, test: PropTest): string {
  if (typeof test !== "object") return `${key} = ${JSON.stringify(test)}`;
  const parts: string[] = [];
  if (test.eq !== undefined) parts.push(`${key} = ${JSON.stringify(test.eq)}`);
  if (test.in) parts.push(`${key} is one of ${test.in.map((v) => JSON.stringify(v)).join(", ")}`);
  if (test.contains !== undefined) parts.push(`${key} contains ${JSON.stringify(test.contains)}`);
  if (test.gt !== undefined) parts.push(`${key} > ${test.gt}`);
  if (test.gte !== undefined) parts.push(`${key} ≥ ${test.gte}`);
  if (test.lt !== undefined) parts.push(`${key} < ${test.lt}`);
  if (test.lte !== undefined) parts.push(`${key} ≤ ${test.lte}`);
  if (test.has !== undefined) parts.push(`${key} includes ${JSON.stringify(test.has)}`);
  return parts.join(" and ");
}

export function whereText(where: Record<string, PropTest> | undefined): string {
  if (!where || Object.keys(where).length === 0) return "";
  return ` (${Object.entries(where).map(([k, t]) => testText(k, t)).join(", ")})`;
}

export function comparisonText(c: { atLeast?: number; atMost?: number; eq?: number }, unit: string, fallback: string): string {
  const parts: string[] = [];
  if (c.eq !== undefined) parts.push(`exactly ${c.eq} ${unit}`);
  if (c.atLeast !== undefined) parts.push(`at least ${c.atLeast} ${unit}`);
  if (c.atMost !== undefined) parts.push(c.atMost === 0 ? "never" : `at most ${c.atMost} ${unit}`);
  return parts.length ? parts.join(" and ") : fallback;
}

export function describeCondition(c: Condition): string {
  if ("all" in c) return c.all.map(describeCondition).join(", and ");
  if ("any" in c) return `either ${c.any.map(describeCondition).join(", or ")}`;
  if ("not" in c) return `not (${describeCondition(c.not)})`;
  if ("count" in c) {
    const window = c.count.within ? ` in the last ${durationText(c.count.within)}` : "";
    return `${eventPhrase(c.count.event)}${whereText(c.count.where)} ${comparisonText(c, "times", "at least once")}${window}`;
  }
  if ("sum" in c) {
    const window = c.sum.within ? ` in the last ${durationText(c.sum.within)}` : "";
    return `total ${c.sum.prop} of "${c.sum.event}"${whereText(c.sum.where)} is ${comparisonText(c, "", "above 0").trim()}${window}`;
  }
  if ("since" in c) {
    const parts = [c.atLeast && `at least ${durationText(c.atLeast)} ago`, c.atMost && `at most ${durationText(c.atMost)} ago`].filter(Boolean);
    return `last ${eventPhrase(c.since.event)}${whereText(c.since.where)} ${parts.length ? parts.join(" and ") : "at some point"}`;
  }
  if ("idleFor" in c) return `no activity for ${durationText(c.idleFor)}`;
  if ("firstSeenWithin" in c) return `first seen within the last ${durationText(c.firstSeenWithin)}`;
  if ("localTime" in c) return `local time between ${c.localTime.from} and ${c.localTime.to}`;
  if ("days" in c) return `on ${c.days.join(", ")}`;
  if ("lastSeen" in c) {
    const parts = [c.lastSeen.atLeast && `at least ${durationText(c.lastSeen.atLeast)}`, c.lastSeen.atMost && `at most ${durationText(c.lastSeen.atMost)}`].filter(Boolean);
    return `last active ${parts.join(" and ")} ago`;
  }
  if ("context" in c) return `visiting with ${Object.entries(c.context).map(([k, t]) => testText(k, t!)).join(", ")}`;
  if ("trait" in c) return `with ${Object.entries(c.trait).map(([k, t]) => testText(k, t)).join(", ")}`;
  if ("birthMonth" in c) return "whose birthday month is this month";
  if ("score" in c) return `with ${Object.entries(c.score).map(([k, t]) => testText(k === "engagement" ? "engagement level" : k === "intent" ? "purchase intent" : "RFM group", t!)).join(", ")}`;
  return `in segment "${c.segment}"`;
}

export function describeSchedule(s: Schedule): string {
  const parts: string[] = [];
  if (s.from || s.until) parts.push(`${s.from ? `from ${s.from}` : ""}${s.from && s.until ? " " : ""}${s.until ? `until ${s.until}` : ""}`);
  if (s.days) parts.push(`on ${s.days.join(", ")}`);
  if (s.hours) parts.push(`between ${s.hours.from} and ${s.hours.to}`);
  return parts.join(", ");
}

export function describeRule(rule: SlotRule): string {
  const who = typeof rule.show === "string" ? `visitors in "${rule.show}"` : `visitors who ${describeCondition(rule.show)}`;
  const extras = [
    rule.schedule && describeSchedule(rule.schedule),
    rule.frequencyCap && `at most ${rule.frequencyCap.perDay} times a day`,
    rule.holdout && `${Math.round(rule.holdout * 100)}% held out`,
    rule.variants && rule.variants.length > 1 && `${rule.variants.length} variants`,
  ].filter(Boolean);
  return `Shown to ${who}${extras.length ? ` — ${extras.join("; ")}` : ""} (priority ${rule.priority ?? 0}).`;
}
