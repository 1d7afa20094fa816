/**
 * The anonymous visitor: the first-party `rujai_id` cookie set by the worker, whether the
 * visitor allows anything to be kept at all (Global Privacy Control says no), and whether it
 * is a bot (isbot's well-kept list): bots are not profiled and see the default content.
 *
 * The cookie is `<id>.<MAC>` under the cookie secret (signing.ts): a made-up or edited id is
 * a new visitor, so no client can name a profile it was not given — nor make the worker
 * touch (and create storage for) one.
 */
import { isbot } from "isbot";
import { cookieSecrets, mac, verifyMac, type CookieSecrets } from "./signing";
export const VISITOR_COOKIE = "rujai_id";
const ID_PATTERN = /^[A-Za-z0-9-]{16,64}$/;
const SIGNED = /^([A-Za-z0-9-]{16,64})\.([A-Za-z0-9_-]{22})$/;
const MAC_BYTES = 16;
const COOKIE_MAX_AGE_S = 400 * 86_400;

export interface Visitor {
  id: string;
  /** True when the id was made for this request (no cookie yet). */
  isNew: boolean;
  /** False under Global Privacy Control and for bots: nothing is stored and no cookie is set. */
  mayStore: boolean;
  isBot: boolean;
}

// User agents repeat a lot; isbot's pattern is long. Remember recent answers (bounded).
const botAnswers = new Map<string, boolean>();
function isBotAgent(ua: string | null): boolean {
  if (!ua) return false;
  let answer = botAnswers.get(ua);
  if (answer === undefined) {
    answer = isbot(ua);
    if (botAnswers.size >= 500) botAnswers.clear();
    botAnswers.set(ua, answer);
  }
  return answer;
}

/** Cookie values already verified in this isolate (a browser sends the same one on every page). Bounded. */
const verified = new Map<string, string>();

export async function visitorOf(request: Request, env: CookieSecrets): Promise<Visitor> {
  const isBot = isBotAgent(request.headers.get("user-agent"));
  const mayStore = !isBot && request.headers.get("sec-gpc") !== "1";
  const raw = readCookie(request.headers.get("cookie"), VISITOR_COOKIE);
  const id = raw ? await verifiedId(raw, cookieSecrets(env)) : undefined;
  if (id) return { id, isNew: false, mayStore, isBot };
  return { id: crypto.randomUUID(), isNew: true, mayStore, isBot };
}

/** The id a cookie value carries, if its MAC verifies (or, with no secret configured, if it is well-formed). */
async function verifiedId(raw: string, secrets: readonly string[]): Promise<string | undefined> {
  if (!secrets.length) return ID_PATTERN.test(raw) ? raw : undefined;
  const known = verified.get(raw);
  if (known) return known;
  const parts = SIGNED.exec(raw);
  if (!parts || !(await verifyMac("visitor", secrets, parts[1]!, parts[2]!, MAC_BYTES))) return undefined;
  if (verified.size >= 1_000) verified.clear();
  verified.set(raw, parts[1]!);
  return parts[1];
}

/** The Set-Cookie value that keeps `id` (signed) for 400 days. */
export async function visitorCookie(id: string, env: CookieSecrets): Promise<string> {
  const [secret] = cookieSecrets(env);
  const value = secret ? `${id}.${await mac("visitor", secret, id, MAC_BYTES)}` : id;
  return `${VISITOR_COOKIE}=${value}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; Secure; SameSite=Lax`;
}

export function clearVisitorCookie(): string {
  return `${VISITOR_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
