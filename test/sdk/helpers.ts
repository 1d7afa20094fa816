/** SDK test helpers: a recording fetch/beacon, a fresh IndexedDB, and waiting for it. */
import { vi } from "vitest";
import { IDBFactory } from "fake-indexeddb";
import { createStore, get } from "idb-keyval";
import type { WireBatch, WireEvent } from "../../sdk/src/wire";

export interface Sent {
  url: string;
  batch: WireBatch & { dropped?: number };
}

let bases = 0;

/**
 * Replaces fetch and sendBeacon: answers with `status()` (or fails as offline) and records the
 * batches sent to this test's own base path, so trackers left over from earlier tests (their
 * retry timers live on) cannot disturb it. Create the tracker with `core({ base: net.base })`.
 */
export function network(status: () => number | "offline" | [number, Record<string, string>] = () => 200) {
  const base = `/t${bases++}`;
  const sent: Sent[] = [];
  const beacons: Sent[] = [];
  globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const s = status();
    if (s === "offline") throw new TypeError("Failed to fetch");
    if (String(url) === `${base}/e`) sent.push({ url: String(url), batch: JSON.parse(String(init?.body)) });
    const [code, headers] = Array.isArray(s) ? s : [s, {}];
    return new Response("{}", { status: code, headers });
  }) as typeof fetch;
  Object.defineProperty(navigator, "sendBeacon", {
    configurable: true,
    value: (url: string, body: string) => (url === `${base}/e` && beacons.push({ url, batch: JSON.parse(body) }), true),
  });
  return { base, sent, beacons, ids: () => sent.flatMap((s) => s.batch.events.map((e) => e.id)) };
}

export function freshIndexedDB(): void {
  globalThis.indexedDB = new IDBFactory();
}

/** Lets IndexedDB callbacks and promise chains run (they do not use the faked timers). */
export async function settle(rounds = 300): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export async function stored(): Promise<WireEvent[]> {
  return Object.values((await get<Record<string, WireEvent>>("events", createStore("rujai", "queue"))) ?? {});
}
