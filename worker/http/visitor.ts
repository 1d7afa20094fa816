/**
 * The anonymous visitor: the first-party `rujai_id` cookie set by the worker, whether the
 * visitor allows anything to be kept at all (Global Privacy Control says no), and whether it
 * is a bot (isbot's well-kept list): bots are not profiled and see the default content.
 */
import { isbot } from "isbot";
export const VISITOR_COOKIE = "rujai_id";
const ID_PATTERN = /^[A-Za-z0-9-]{16,64}$/;
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

export function visitorOf(request: Request): Visitor {
  const isBot = isBotAgent(request.headers.get("user-agent"));
  const mayStore = !isBot && request.headers.get("sec-gpc") !== "1";
  const existing = readCookie(request.headers.get("cookie"), VISITOR_COOKIE);
  if (existing && ID_PATTERN.test(existing)) return { id: existing, isNew: false, mayStore, isBot };
  return { id: crypto.randomUUID(), isNew: true, mayStore, isBot };
}

/** The Set-Cookie value that keeps `id` for 400 days. */
export function visitorCookie(id: string): string {
  return `${VISITOR_COOKIE}=${id}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; Secure; SameSite=Lax`;
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
