/**
 * The segment snapshot (DESIGN.md, "Hot path"): with each ingest answer — and each page that
 * had to ask the profile — the worker hands the browser a signed, HttpOnly cookie holding
 * which segments hold and the template values, valid until the next instant any segment
 * could change (the instant the profile's alarm is set for, at most 6 hours) and tagged with
 * the rules version. A page request then needs no Durable Object round trip; it asks the
 * profile only when the snapshot is missing, stale, for other rules, or the page is a
 * landing (UTM tags or an outside referrer may change what holds).
 */
import { readCookie } from "./visitor";
import { cookieSecrets, fromBase64Url, mac, toBase64Url, verifyMac } from "./signing";
import type { TemplateVars } from "../core/template";

export const SNAPSHOT_COOKIE = "rujai_seg";
const MAX_AGE_MS = 6 * 3_600_000;
const MAX_COOKIE_BYTES = 3_000;

export interface Snapshot {
  /** Visitor id it belongs to. */
  v: string;
  /** Rules version it was computed with. */
  r: string;
  /** Valid until (epoch ms). */
  u: number;
  /** Segment names that held (anonymous rule segments included). */
  s: string[];
  /** Template values. */
  t: TemplateVars;
}

const encoder = new TextEncoder();

/**
 * Snapshots already verified in this isolate, by their exact cookie text (signature
 * included): a browser sends the same one on every page until its next batch, so the HMAC
 * and decoding run once per snapshot rather than once per page. Bounded.
 */
const verified = new Map<string, Snapshot>();
const MAX_VERIFIED = 1_000;

/**
 * Cookie values signed in this isolate, by their snapshot's JSON: a visitor whose profile is
 * asked page after page (no snapshot sent back, a landing page) gets the same one without
 * encoding and an HMAC each time — both showed in the profile-asked page's CPU profile. Bounded.
 */
const signed = new Map<string, { secret: string; value: string }>();
const MAX_SIGNED = 1_000;

/** The Set-Cookie value for a snapshot, or null when it would be too large to carry. */
export async function snapshotCookie(secret: string, snapshot: Snapshot, now: number): Promise<string | null> {
  // The 6-hour cap falls on a whole minute, so the same view within a minute is the same cookie.
  const until = Math.min(snapshot.u, Math.floor((now + MAX_AGE_MS) / 60_000) * 60_000);
  if (until <= now) return null;
  const json = JSON.stringify({ ...snapshot, u: until });
  const known = signed.get(json);
  let value = known?.secret === secret ? known.value : undefined;
  if (!value) {
    const payload = toBase64Url(encoder.encode(json));
    value = `${payload}.${await mac("snapshot", secret, payload)}`;
    if (signed.size >= MAX_SIGNED) signed.clear();
    signed.set(json, { secret, value });
  }
  if (value.length > MAX_COOKIE_BYTES) return null;
  return `${SNAPSHOT_COOKIE}=${value}; Path=/; Max-Age=${Math.ceil((until - now) / 1000)}; HttpOnly; Secure; SameSite=Lax`;
}

export function clearSnapshotCookie(): string {
  return `${SNAPSHOT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
}

/** The request's snapshot if it is genuine, this visitor's, for these rules and still valid. */
export async function readSnapshot(request: Request, secrets: readonly string[], visitorId: string, rulesVersion: string, now: number): Promise<Snapshot | null> {
  const raw = readCookie(request.headers.get("cookie"), SNAPSHOT_COOKIE);
  const dot = raw?.indexOf(".") ?? -1;
  if (!raw || dot < 1) return null;
  let snapshot = verified.get(raw);
  if (!snapshot) {
    try {
      const payload = raw.slice(0, dot);
      if (!(await verifyMac("snapshot", secrets, payload, raw.slice(dot + 1)))) return null;
      snapshot = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as Snapshot;
    } catch {
      return null;
    }
    if (verified.size >= MAX_VERIFIED) verified.clear();
    verified.set(raw, snapshot);
  }
  return snapshot.v === visitorId && snapshot.r === rulesVersion && now < snapshot.u ? snapshot : null;
}

/** A landing page: UTM tags or an outside referrer, which context conditions may read. */
export function isLanding(request: Request): boolean {
  if (/[?&]utm_/.test(request.url)) return true;
  const referrer = request.headers.get("referer");
  if (!referrer) return false;
  // Same site when the referrer starts with this request's origin (scheme://host/).
  const origin = request.url.slice(0, request.url.indexOf("/", request.url.indexOf("//") + 2) + 1);
  return !referrer.startsWith(origin);
}

/** The secret snapshots are signed with (signing.ts); none, no snapshots. */
export function snapshotSecret(env: { SNAPSHOT_SECRET?: string; IDENTIFY_SECRET?: string }): string | undefined {
  return cookieSecrets(env)[0];
}
