/**
 * The wire format between the browser and the worker, defined once and imported by both the
 * SDK and the worker (see shared DESIGN.md, "Events").
 */

/** What event props may hold: JSON nested at most three levels (e.g. `items[0].price`). */
export type JsonScalar = string | number | boolean | null;
type JsonInner = JsonScalar | JsonScalar[] | { [key: string]: JsonScalar };
export type JsonValue = JsonScalar | JsonInner[] | { [key: string]: JsonInner };

/** One tracked event. `id` is a uuid so a retried batch is counted once. */
export interface WireEvent {
  id: string;
  type: string;
  ts: number;
  props?: Record<string, JsonValue>;
}

/** Body of `POST {base}/e`. `sentAt` lets the server correct the browser's clock. */
export interface WireBatch {
  sentAt: number;
  events: WireEvent[];
}

/** Why one event of a batch was not kept. */
export interface WireRejection {
  index: number;
  id?: string;
  reason: string;
}

/** Answer to `POST {base}/e`. */
export interface WireIngestResult {
  kept: number;
  duplicates: number;
  rejected: WireRejection[];
}

/** Contract limits (DESIGN.md, "Limits that are part of the contract"). */
export const LIMITS = {
  maxEvents: 50,
  maxBatchBytes: 64 * 1024,
  maxStringLength: 256,
  maxPastMs: 7 * 24 * 60 * 60 * 1000,
  maxFutureMs: 5 * 60 * 1000,
} as const;

/** Custom event names; the GA4 names used by the contract also match it. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
