/**
 * The tracker: records events, keeps them until the worker acknowledges them, and sends them
 * in batches. Events live in memory and, with consent, in IndexedDB (one shared map, updated
 * atomically, so tabs never overwrite each other's events and a reload, crash or offline
 * hour loses nothing). A retry can send an event twice; the worker dedupes by id.
 * Nothing here throws after init: faults go to `onError` and are retried.
 */
import { createStore, update, type UseStore } from "idb-keyval";
import type { JsonValue, WireEvent } from "./wire";

export type Props = Record<string, JsonValue | undefined>;
export type Consent = "granted" | "pending" | "denied";

export interface Options {
  /** Base path of the worker's endpoints. Default "/rujai". */
  base?: string;
  /** "pending" keeps events in memory only until `consent("granted")`. Default "granted". */
  consent?: Consent;
  /** Capture page views, searches, products, slot impressions/clicks and GA4 dataLayer. Default true. */
  auto?: boolean;
  /** Query parameter that carries a search term. Default "q". */
  query?: string;
  /** Told about storage and network faults, which are otherwise swallowed. */
  onError?: (error: unknown) => void;
}

export interface SlotDecision {
  rule: string;
  variant: string;
  html: string | null;
}

/** What the tracker itself does; the extras (sdk/src/extra.ts) build on it. */
export interface Core {
  /** Records an event: `track("add_to_cart", {item_id: "sn-1", price: 2190})`. */
  track(type: string, props?: Props): void;
  /** Records a page view of the current URL (done automatically on load and navigation). */
  page(): void;
  consent(state: Consent): void;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  /** Drops every queued event, in memory and in IndexedDB, and has the worker forget this browser's ids. */
  clear(): Promise<unknown>;
  /** Reports a swallowed fault to `onError`. */
  report(error: unknown): void;
  base: string;
}

export interface Rujai extends Core {
  /**
   * Links this visitor to a user. `token` is a short-lived JWT your backend makes for this
   * login (HS256 under IDENTIFY_SECRET: `sub`, `traits`, `iat`, `exp` ≤ 10 min, `jti`).
   * @example rujai.identify(await (await fetch("/api/rujai-token")).text())
   */
  identify(token: string): Promise<boolean>;
  /** Fills `data-rujai-slot` elements client-side after an SPA navigation. */
  decide(slots: string[]): Promise<Record<string, SlotDecision>>;
  /** Forgets this visitor on this browser (logout). */
  reset(): Promise<void>;
}

const KEY = "events";
const MAX_QUEUE = 500;
const BATCH = 50;

export function core(options: Options = {}): Core {
  const base = options.base ?? "/rujai";
  const endpoint = base + "/e";
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      /* the site's handler must not break tracking either */
    }
  };
  // Global Privacy Control is a standing "no": nothing is stored and nothing is sent.
  let consent: Consent = (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl
    ? "denied"
    : options.consent ?? "granted";
  // The one place the SDK throws: a misconfiguration, at init, where the site owner sees it.
  if (!["granted", "pending", "denied"].includes(consent)) throw Error("rujai: bad consent " + consent);
  let store: UseStore | undefined;
  const useStore = () => (store ??= createStore("rujai", "queue"));
  /** This page's events not yet acknowledged (what a beacon can send at page hide). */
  let memory: WireEvent[] = [];
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending = false;
  let backoff = 0;

  const safely = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      report(error);
      return undefined;
    }
  };

  /** Changes the shared queue map in one IndexedDB transaction (tabs never overwrite each other). */
  const edit = (change: (kept: Record<string, WireEvent>) => Record<string, WireEvent> | void) =>
    safely(() => update<Record<string, WireEvent>>(KEY, (kept = {}) => change(kept) ?? kept, useStore()));

  const persist = (events: WireEvent[]) =>
    edit((kept) => {
      for (const e of events) kept[e.id] = e;
      const ids = Object.keys(kept);
      // Bounded: the oldest go first, and are counted.
      if (ids.length > MAX_QUEUE) {
        const oldest = ids.sort((a, b) => kept[a]!.ts - kept[b]!.ts).slice(0, ids.length - MAX_QUEUE);
        for (const id of oldest) delete kept[id];
        dropped += oldest.length;
      }
    });

  const forget = (ids: Set<string>) => {
    memory = memory.filter((e) => !ids.has(e.id));
    return consent === "granted" ? edit((kept) => ids.forEach((id) => delete kept[id])) : undefined;
  };

  // JSON leaves out an undefined `dropped`.
  const body = (events: WireEvent[]) => JSON.stringify({ sentAt: Date.now(), events, dropped: dropped || undefined });

  // A later "send now" replaces a pending "send soon".
  const schedule = (delay: number) => {
    if (timer && delay) return;
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  };

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (sending || consent !== "granted") return;
    sending = true;
    // Read through `edit` (a read-write transaction that writes back the same map): one
    // idb-keyval function less in the 2 KB budget.
    const kept: Record<string, WireEvent> = {};
    await edit((stored) => void Object.assign(kept, stored));
    for (const e of memory) kept[e.id] = e;
    const batch = Object.values(kept)
      .sort((a, b) => a.ts - b.ts)
      .slice(0, BATCH);
    if (!batch.length) {
      sending = false;
      return;
    }
    let retry = true;
    let wait = 0;
    try {
      // A string body goes as text/plain: a "simple" request, no CORS preflight.
      const res = await fetch(endpoint, { method: "POST", body: body(batch), keepalive: true });
      // A 4xx other than 429 will not get better by retrying: the server has judged the batch.
      retry = res.status >= 500 || res.status === 429;
      // A rate limit says how long to wait: the same events go again after that, not before.
      wait = +res.headers.get("retry-after")! * 1e3;
      if (retry) report(res.status);
    } catch (error) {
      report(error);
    }
    sending = false;
    if (retry) {
      backoff = Math.min(backoff * 2 || 1000, 60_000);
      // NaN or 0 (no header) falls back to the backoff.
      setTimeout(flush, wait || backoff * (0.5 + Math.random()));
      return;
    }
    backoff = dropped = 0;
    await forget(new Set(batch.map((e) => e.id)));
    // More waiting: a full batch, or events tracked while this one was in flight.
    if (memory.length || batch.length === BATCH) schedule(0);
  }

  // randomUUID needs a secure context; elsewhere time + randomness is unique enough per visitor.
  const uuid = () => crypto.randomUUID?.() ?? Math.random().toString(36).slice(2) + Date.now();

  function track(type: string, props?: Props): void {
    if (consent === "denied") return;
    const event: WireEvent = { id: uuid(), type, ts: Date.now() };
    // Strings past the contract's 256 characters would get the event rejected: clip them.
    // The round trip also drops undefined props and snapshots what the caller may mutate.
    if (props) event.props = JSON.parse(JSON.stringify(props, (_, v: unknown) => (typeof v === "string" ? v.slice(0, 256) : v)));
    memory.push(event);
    if (memory.length > MAX_QUEUE) memory.shift(), dropped++;
    if (consent === "granted") {
      void persist([event]);
      schedule(memory.length >= 10 ? 0 : 1000);
    }
  }

  let lastPage = "";
  function page(): void {
    const path = location.pathname + location.search;
    if (path === lastPage) return;
    lastPage = path;
    track("page_view", { path, title: document.title, referrer: document.referrer });
    const term = new URLSearchParams(location.search).get(options.query ?? "q");
    if (term) track("search", { search_term: term });
  }

  // On hide the page may never run again: hand this page's unsent events to a beacon.
  const hide = () => {
    if (consent === "granted" && memory.length) navigator.sendBeacon?.(endpoint, body(memory.slice(-BATCH)));
  };
  addEventListener("pagehide", hide);
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && hide());

  const clear = () => {
    memory = [];
    void edit(() => ({}));
    return fetch(base + "/reset", { method: "POST" }).catch(report);
  };

  const api: Core = {
    base,
    track,
    page,
    flush,
    clear,
    report,
    consent(state) {
      consent = state;
      if (state === "granted") void persist(memory).then(flush);
      // Withdrawn: the queue is dropped and the worker forgets this browser's ids, so no
      // later page records anything for it (the edge records known visitors' exposures).
      else if (state === "denied") void clear();
    },
  };
  if (consent === "granted") schedule(0);
  return api;
}
