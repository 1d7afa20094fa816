/**
 * Checks an incoming event batch against the contract limits (sdk/src/wire.ts) and corrects
 * the browser's clock by `sentAt`. A batch-level problem refuses the whole batch with a status
 * and the JSON path; a bad event is rejected alone, with a reason, and the rest are kept.
 * Beyond the shape: impressions and clicks must name a rule and variant that exist (current
 * or recent), and money must be money (a finite, non-negative amount under a ceiling). Pure.
 */
import { EVENT_TYPE_PATTERN, LIMITS, type JsonValue, type WireRejection } from "../../sdk/src/wire";
import type { StoredEvent } from "./profile";
import { unknownExposure, type KnownRules } from "./known-rules";

/**
 * The most the browser's clock is corrected by. Its events are moved by the offset `sentAt`
 * shows, but only this far: a client that claims a clock hours off cannot back-date its events
 * by hours (a cart that looks 31 minutes old at once). Honest clocks are within seconds.
 */
export const MAX_CLOCK_CORRECTION_MS = 10 * 60_000;
/** An order value above this is a typo or an attack, in any currency rujai serves. */
export const MAX_ORDER_VALUE = 100_000_000;
const MONEY_TYPES = new Set(["purchase", "begin_checkout", "add_to_cart", "remove_from_cart", "view_item"]);
const MONEY_PROPS = ["value", "price"];

export interface BatchProblem {
  status: 400 | 413;
  message: string;
  path: string;
}

export type BatchResult = { ok: true; events: StoredEvent[]; rejected: WireRejection[] } | ({ ok: false } & BatchProblem);

/** A server batch's events also say whose they are: `user:<id>` or `visitor:<id>`, one per event. */
export type ServerBatchResult = { ok: true; events: StoredEvent[]; owners: string[]; rejected: WireRejection[] } | ({ ok: false } & BatchProblem);

/** How far back the backend may date events: as far as a profile is kept (13 months). */
export const MAX_SERVER_PAST_MS = 396 * 86_400_000;
/** Past orders the backend imports (RFM and intent from the first day) may be this old. */
export const MAX_IMPORTED_PURCHASE_MS = 10 * 366 * 86_400_000;
const VISITOR_ID = /^[A-Za-z0-9-]{16,64}$/;
const USER_ID_MAX = 128;

const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_PROPS = 32;
const MAX_DEPTH = 3;

export function parseBatch(body: string, now: number, known: KnownRules): BatchResult {
  const result = parseAny(body, now, known, false);
  return result.ok ? { ok: true, events: result.events, rejected: result.rejected } : result;
}

/**
 * A batch from the site's backend (POST {base}/server/e): each event names its `userId` or
 * `visitorId`, may be dated up to 13 months back (a purchase up to 10 years: imported order
 * history), and is kept with `source: "server"`.
 */
export function parseServerBatch(body: string, now: number, known: KnownRules): ServerBatchResult {
  return parseAny(body, now, known, true);
}

function parseAny(body: string, now: number, known: KnownRules, server: boolean): ServerBatchResult {
  const bytes = new TextEncoder().encode(body).byteLength;
  if (bytes > LIMITS.maxBatchBytes) {
    return problem(413, `batch is ${bytes} bytes; at most ${LIMITS.maxBatchBytes} are accepted`, "$");
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return problem(400, "body is not valid JSON", "$");
  }
  if (!isObject(value)) return problem(400, 'expected an object {"sentAt", "events"}', "$");
  const { sentAt, events } = value;
  if (typeof sentAt !== "number" || !Number.isFinite(sentAt)) {
    return problem(400, "sentAt must be the send time in epoch milliseconds", "$.sentAt");
  }
  if (!Array.isArray(events)) return problem(400, "events must be an array", "$.events");
  if (events.length > LIMITS.maxEvents) {
    return problem(400, `at most ${LIMITS.maxEvents} events per batch (got ${events.length})`, "$.events");
  }
  // The browser's clock may be off; its events are moved by the same offset as sentAt (bounded).
  const skew = Math.max(-MAX_CLOCK_CORRECTION_MS, Math.min(MAX_CLOCK_CORRECTION_MS, now - sentAt));
  const kept: StoredEvent[] = [];
  const owners: string[] = [];
  const rejected: WireRejection[] = [];
  events.forEach((raw, index) => {
    const owner = server ? ownerOf(raw) : "";
    const result = owner.startsWith("!") ? owner.slice(1) : checkEvent(raw, skew, now, known, server);
    if (typeof result === "string") {
      const id = isObject(raw) && typeof raw.id === "string" ? raw.id.slice(0, 64) : undefined;
      rejected.push(id === undefined ? { index, reason: result } : { index, id, reason: result });
    } else {
      if (server) result.source = "server";
      kept.push(result);
      owners.push(owner);
    }
  });
  return { ok: true, events: kept, owners, rejected };
}

/** `user:<id>` or `visitor:<id>` for a server event, or "!" and the reason it names neither. */
function ownerOf(raw: unknown): string {
  if (!isObject(raw)) return "!event must be an object";
  const { userId, visitorId } = raw;
  if ((userId === undefined) === (visitorId === undefined)) return "!give exactly one of userId and visitorId";
  if (userId !== undefined) {
    return typeof userId === "string" && userId.length >= 1 && userId.length <= USER_ID_MAX ? `user:${userId}` : "!userId must be 1–128 characters";
  }
  return typeof visitorId === "string" && VISITOR_ID.test(visitorId) ? `visitor:${visitorId}` : "!visitorId must be the visitor's rujai_id";
}

function checkEvent(raw: unknown, skew: number, now: number, known: KnownRules, server: boolean): StoredEvent | string {
  if (!isObject(raw)) return "event must be an object";
  const { id, type, ts, props } = raw;
  if (typeof id !== "string" || !ID_PATTERN.test(id)) return "id must be 8–64 characters of [A-Za-z0-9_-] (a uuid)";
  if (typeof type !== "string" || !EVENT_TYPE_PATTERN.test(type)) return 'type must match [a-z][a-z0-9_]{0,39}, e.g. "view_item"';
  if (typeof ts !== "number" || !Number.isFinite(ts)) return "ts must be epoch milliseconds";
  const corrected = Math.round(ts + skew);
  const [maxPastMs, tooOld] = !server ? [LIMITS.maxPastMs, "7 days"] : type === "purchase" ? [MAX_IMPORTED_PURCHASE_MS, "10 years"] : [MAX_SERVER_PAST_MS, "13 months"];
  if (corrected < now - maxPastMs) return `ts is more than ${tooOld} old`;
  if (corrected > now + LIMITS.maxFutureMs) return "ts is more than 5 minutes in the future";
  if (props !== undefined && !isObject(props)) return "props must be an object";
  const bad = (props && checkValue(props, "props", 0)) || meaningOf(type, props ?? {}, known);
  if (bad) return bad;
  if (props === undefined) return { id, type, ts: corrected };
  // checkValue has walked every value: only JSON scalars, arrays and objects remain.
  return { id, type, ts: corrected, props: props as Record<string, JsonValue> };
}

/** A reason naming the path of the first value over the limits, or undefined. */
function checkValue(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === "string") {
    return value.length > LIMITS.maxStringLength ? `${path} is longer than ${LIMITS.maxStringLength} characters` : undefined;
  }
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
  if (typeof value === "boolean" || value === null) return undefined;
  if (depth >= MAX_DEPTH) return `${path} is nested too deeply`;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as object);
  if (entries.length > MAX_PROPS) return `${path} has more than ${MAX_PROPS} entries`;
  for (const [key, child] of entries) {
    if (key.length > 64) return `${path} has a key longer than 64 characters`;
    const bad = checkValue(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

/** What the shape cannot say: exposures of real rules, amounts that are money. */
function meaningOf(type: string, props: Record<string, unknown>, known: KnownRules): string | undefined {
  if (type === "impression" || type === "click") return unknownExposure(known, props.rule, props.variant);
  if (!MONEY_TYPES.has(type)) return undefined;
  for (const key of MONEY_PROPS) {
    const amount = props[key];
    if (amount === undefined) continue;
    if (typeof amount !== "number" || amount < 0 || amount > MAX_ORDER_VALUE) return `props.${key} must be an amount from 0 to ${MAX_ORDER_VALUE}`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problem(status: 400 | 413, message: string, path: string): { ok: false } & BatchProblem {
  return { ok: false, status, message, path };
}
