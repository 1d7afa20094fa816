/**
 * rujai browser SDK, served as /rujai.js. Tracks page views (SPA navigations too), searches and
 * whatever the site calls `rujai.track()` with; batches events, keeps them in IndexedDB until
 * the worker acknowledges them, and sends what is left with a beacon when the page is hidden.
 * It never throws after start-up: storage and network faults are swallowed and retried.
 */
import { createStore, get, set } from "idb-keyval";
import type { JsonValue, WireEvent } from "./wire";

type Props = Record<string, JsonValue>;
type Call = [string, ...unknown[]];
interface Stub {
  (...args: Call): void;
  q?: ArrayLike<unknown>[];
}

const w = window as unknown as { rujai?: Stub & Record<string, unknown>; globalPrivacyControl?: boolean };
const script = document.currentScript as HTMLScriptElement | null;
const endpoint = (script?.dataset.base ?? "/rujai") + "/e";
const MAX_QUEUE = 500;
const BATCH = 50;
const KEY = "queue";
// No storage and no sending under Global Privacy Control.
const allowed = !(navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;

let store: ReturnType<typeof createStore> | undefined;
let queue: WireEvent[] = [];
let timer: ReturnType<typeof setTimeout> | 0 = 0;
let sending = false;
let backoff = 0;
let lastPath = "";

function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return work().catch(() => undefined);
  } catch {
    return Promise.resolve(undefined);
  }
}

const persist = () => store && attempt(() => set(KEY, queue, store!));

function uuid(): string {
  return crypto.randomUUID
    ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
      );
}

function track(type: string, props?: Props): void {
  if (!allowed) return;
  queue.push(props ? { id: uuid(), type, ts: Date.now(), props } : { id: uuid(), type, ts: Date.now() });
  if (queue.length > MAX_QUEUE) queue.shift();
  void persist();
  schedule(queue.length >= 10 ? 0 : 1000);
}

function schedule(delay: number): void {
  if (!timer) timer = setTimeout(flush, delay);
}

function body(events: WireEvent[]): string {
  return JSON.stringify({ sentAt: Date.now(), events });
}

async function flush(): Promise<void> {
  timer = 0;
  if (sending || !queue.length) return;
  sending = true;
  const batch = queue.slice(0, BATCH);
  let retry = false;
  try {
    const res = await fetch(endpoint, {
      method: "POST",
      body: body(batch),
      keepalive: true,
      credentials: "same-origin",
      headers: { "content-type": "text/plain" },
    });
    // A 4xx other than 429 will not get better by retrying: the server has judged the batch.
    retry = res.status >= 500 || res.status === 429;
  } catch {
    retry = true;
  }
  sending = false;
  if (retry) {
    backoff = Math.min(backoff * 2 || 1000, 60_000);
    setTimeout(flush, backoff * (0.5 + Math.random()));
    return;
  }
  backoff = 0;
  const sent = new Set(batch.map((e) => e.id));
  queue = queue.filter((e) => !sent.has(e.id));
  void persist();
  if (queue.length) schedule(0);
}

/** On hide the page may never run again: hand what is queued to a beacon. */
function beacon(): void {
  if (queue.length && navigator.sendBeacon) navigator.sendBeacon(endpoint, body(queue.slice(0, BATCH)));
}

function page(): void {
  const path = location.pathname + location.search;
  if (path === lastPath) return;
  lastPath = path;
  track("page_view", { path, title: document.title.slice(0, 256), referrer: document.referrer.slice(0, 256) });
  const term = new URLSearchParams(location.search).get("q");
  if (term) track("search", { search_term: term.slice(0, 256) });
}

const api = { track, page, flush };

function call(method: unknown, ...args: unknown[]): void {
  try {
    (api as Record<string, (...a: unknown[]) => void>)[String(method)]?.(...args);
  } catch {
    /* never break the host page */
  }
}

async function start(): Promise<void> {
  if (allowed) {
    await attempt(async () => {
      store = createStore("rujai", "events");
      // Events from an earlier page that were never acknowledged go first.
      queue = [...((await get<WireEvent[]>(KEY, store)) ?? []), ...queue];
    });
  }
  if (queue.length) schedule(0);
}

const pending = w.rujai?.q ?? [];
w.rujai = Object.assign(call, api) as unknown as Stub & Record<string, unknown>;
for (const name of ["pushState", "replaceState"] as const) {
  const original = history[name];
  history[name] = function (this: History, ...args: Parameters<History["pushState"]>) {
    original.apply(this, args);
    setTimeout(page);
  };
}
addEventListener("popstate", () => page());
addEventListener("pagehide", beacon);
document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && beacon());
page();
for (const args of Array.from(pending)) call(...(Array.from(args) as Call));
void start();
