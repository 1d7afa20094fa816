/**
 * POST /rujai/identify: only a fresh, single-use token from the site's backend is believed,
 * its traits are the only traits, other sites cannot log a visitor in, and a user's profile
 * outlives a rotation of IDENTIFY_SECRET.
 */
import { describe, expect, it } from "vitest";
import { call, cookieFor, event, getPage, newVisitor, putRules, sendEvents, slotOf } from "../support/worker";
import { identifyToken, IDENTIFY_SECRET } from "../support/identify-token";
import { sign } from "../../worker/http/signature";
import type { Settings } from "../../worker/settings";

const identify = (visitor: string | undefined, body: unknown, headers: Record<string, string> = {}, settings: Partial<Settings> = {}) =>
  call(
    new Request("https://shop.test/rujai/identify", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { ...(visitor ? { cookie: cookieFor(visitor) } : {}), origin: "https://shop.test", ...headers },
    }),
    settings,
  );
/** The visitor id a browser holds after this answer (identify moves it to the user's profile); without the cookie's MAC. */
const cookieAfter = (res: Response, before: string) => /rujai_id=([^;.]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? before;
const me = async (visitor: string) =>
  (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(visitor) } }))).json()) as {
    userId: string | null;
    traits: Record<string, unknown>;
    events: Array<{ id: string }>;
  };

describe("identify with a token", () => {
  it("links the user and stores the token's traits", async () => {
    const v = newVisitor();
    const res = await identify(v, { token: await identifyToken("u-1001", { traits: { first_name: "Somchai", tier: "gold", points: 1200 } }) });
    expect(await res.json()).toEqual({ identified: true });
    expect(await me(cookieAfter(res, v))).toMatchObject({ userId: "u-1001", traits: { first_name: "Somchai", tier: "gold", points: 1200 } });
  });

  const refusals: Array<[string, () => Promise<string>, string]> = [
    ["signed with another secret", () => identifyToken("u-2", { secret: "guessed-secret" }), "the token's signature does not match IDENTIFY_SECRET"],
    ["expired", () => identifyToken("u-2", { issuedAt: Math.floor(Date.now() / 1000) - 900, expiresIn: 300 }), "the token has expired"],
    ["valid for more than 10 minutes", () => identifyToken("u-2", { expiresIn: 3600 }), "exp is 3600 s after iat; at most 600 are allowed"],
    ["without a jti", () => identifyToken("u-2", { jti: null }), 'the token\'s jti claim is missing or invalid'],
    ["signed with HS512", () => identifyToken("u-2", { alg: "HS512" }), "the token must be signed with HS256"],
    ["with a trait named badly", () => identifyToken("u-2", { traits: { "First Name": "x" } }), "trait names are lowercase letters, digits and _"],
    ["not a JWT", async () => "hello.world.token", "the token is not a valid JWT"],
  ];
  it.each(refusals)("a token %s gets 403 and changes nothing", async (_name, make, reason) => {
    const v = cookieAfter(await identify(newVisitor(), { token: await identifyToken("u-1", { traits: { tier: "silver" } }) }), "");
    const res = await identify(v, { token: await make() });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe(reason);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await me(v)).toMatchObject({ userId: "u-1", traits: { tier: "silver" } });
  });

  it("a token works once: the same token again is refused", async () => {
    const token = await identifyToken("u-replay", { traits: { tier: "gold" } });
    expect((await identify(newVisitor(), { token })).status).toBe(200);
    const again = await identify(newVisitor(), { token });
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({ error: "this token was already used (jti)", path: "$.token.jti" });
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("the static signature form is refused unless IDENTIFY_LEGACY=1", async () => {
    const legacy = { userId: "u-old", traits: { tier: "platinum" }, signature: await sign("u-old", IDENTIFY_SECRET) };
    const refused = await identify(newVisitor(), legacy);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { path: string }).path).toBe("$.signature");
    const optedIn = await identify(newVisitor(), legacy, {}, { IDENTIFY_LEGACY: "1" });
    expect(optedIn.status).toBe(200);
  });

  it("bad bodies get a 400 naming the field", async () => {
    const res = await identify(newVisitor(), { tokens: "x" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { path: string }).path).toBe("$.token");
    const big = await identify(newVisitor(), { token: "x".repeat(20_000) });
    expect(big.status).toBe(413);
  });

  it("a cross-site form post cannot log the visitor in (login CSRF)", async () => {
    const v = newVisitor();
    const attempts: Array<Record<string, string>> = [{ origin: "https://evil.example" }, { origin: "null" }, { origin: "", "sec-fetch-site": "cross-site" }];
    for (const headers of attempts) {
      const h: Record<string, string> = { "content-type": "text/plain", ...headers };
      if (h.origin === "") delete h.origin;
      const res = await call(
        new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify({ token: await identifyToken("u-attacker") }), headers: { cookie: cookieFor(v), ...h } }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    expect((await me(v)).userId).toBeNull();
  });

  it("a trait shown in a slot template comes out escaped and inert", async () => {
    await putRules({
      segments: { members: { when: { not: { segment: "nobody" } } }, nobody: { when: { count: { event: "never_happens" } } } },
      slots: { hero: [{ id: "hello", show: { count: { event: "page_view" }, atLeast: 0 }, html: "<h2>สวัสดี {{trait.first_name | คุณลูกค้า}}</h2>" }] },
    });
    const v = cookieAfter(await identify(newVisitor(), { token: await identifyToken("u-x", { traits: { first_name: '<script>alert("owned")</script>' } }) }), "");
    const hero = slotOf(await (await getPage("/", v)).text(), "hero");
    expect(hero.content).toBe("<h2>สวัสดี &#60;script&#62;alert(&#34;owned&#34;)&#60;/script&#62;</h2>");
    const stranger = slotOf(await (await getPage("/")).text(), "hero");
    expect(stranger.content).toBe("<h2>สวัสดี คุณลูกค้า</h2>");
  });
});

describe("identity merge", () => {
  it("merges the anonymous profile into the user's, and a second device shares it", async () => {
    const laptop = newVisitor();
    const phone = newVisitor();
    const a = event("view_item", { item_id: "sn-runner", category: "sneakers" });
    const b = event("add_to_cart", { item_id: "sn-runner", category: "sneakers" });
    const c = event("view_item", { item_id: "dk-tea", category: "drinks" });
    await sendEvents(laptop, [a, b]);
    await sendEvents(phone, [c, a]); // `a` again: the same event id is counted once after merging

    const fromLaptop = await identify(laptop, { token: await identifyToken("u-777", { traits: { tier: "gold" } }) });
    const userCookie = cookieAfter(fromLaptop, "");
    expect(userCookie).toMatch(/^u-[0-9a-f]{40}$/);
    const fromPhone = await identify(phone, { token: await identifyToken("u-777") });
    expect(cookieAfter(fromPhone, "")).toBe(userCookie);

    const user = await me(userCookie);
    expect(user.userId).toBe("u-777");
    expect(user.events.map((e) => e.id).sort()).toEqual([a.id, b.id, c.id].sort());
    expect((await me(laptop)).events).toEqual([]);
    expect((await me(phone)).events).toEqual([]);
  });

  it("on a shared device, the next user's login does not swallow the previous user's profile", async () => {
    const first = cookieAfter(await identify(newVisitor(), { token: await identifyToken("u-first") }), "");
    await sendEvents(first, [event("view_item", { item_id: "sn-court", category: "sneakers" })]);
    const second = cookieAfter(await identify(first, { token: await identifyToken("u-second") }), first);
    expect(second).not.toBe(first);
    expect(await me(first)).toMatchObject({ userId: "u-first", events: [expect.anything()] });
    expect(await me(second)).toMatchObject({ userId: "u-second", events: [] });
  });

  it("rotating IDENTIFY_SECRET keeps every user's profile; the previous secret works during the rotation", async () => {
    const before = cookieAfter(await identify(newVisitor(), { token: await identifyToken("u-rotate") }), "");
    const rotated = { IDENTIFY_SECRET: "the-new-secret", IDENTIFY_SECRET_PREVIOUS: IDENTIFY_SECRET };
    const withNew = await identify(newVisitor(), { token: await identifyToken("u-rotate", { secret: "the-new-secret" }) }, {}, rotated);
    expect(cookieAfter(withNew, "")).toBe(before);
    const withOld = await identify(newVisitor(), { token: await identifyToken("u-rotate") }, {}, rotated);
    expect([withOld.status, cookieAfter(withOld, "")]).toEqual([200, before]);
    const afterRotation = await identify(newVisitor(), { token: await identifyToken("u-rotate") }, {}, { IDENTIFY_SECRET: "the-new-secret" });
    expect(afterRotation.status).toBe(403);
  });

  it("a made-up user key leads to nobody's data", async () => {
    expect((await me(`u-${"0".repeat(40)}`)).events).toEqual([]);
  });
});
