/** Debian's Chromium driven by playwright-core (a test tool's own browser cannot be fetched here). */
import { visitorCookie } from "../../worker/http/visitor";
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser } from "playwright-core";

/** Headless Chromium says "HeadlessChrome", which bot lists (rightly) catch; shoppers don't. */
export const SHOPPER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export async function launch(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // The flag, not only the context option: beacons and keepalive requests sent while a page
    // unloads carry the browser-wide user agent, and "HeadlessChrome" is (rightly) a bot.
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic", `--user-agent=${SHOPPER_UA}`],
  });
  // Every context a test opens browses as a shopper would.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => newContext({ userAgent: SHOPPER_UA, ...options });
  return browser;
}

/** One browser for a test file, launched before its tests and closed after. */
export function browserForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** Polls `probe` until it returns something truthy, or fails after `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ""}`);
}

/**
 * The `rujai_id` cookie the worker would have given visitor `id` (signed with the secret
 * local-edge.ts starts wrangler dev with), for tests that need a visitor of a known id.
 */
export async function visitorCookieFor(id: string, url: string) {
  const value = (await visitorCookie(id, { IDENTIFY_SECRET: "browser-identify-secret" })).split(";")[0]!.slice("rujai_id=".length);
  return { name: "rujai_id", value, url };
}
