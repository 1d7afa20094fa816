/** POST /rujai/identify: only a user id signed with the site secret is believed. */
import { describe, expect, it } from "vitest";
import { call, cookieFor, getPage, newVisitor, putRules, slotOf } from "../support/worker";
import { sign } from "../../worker/http/signature";

const SECRET = "test-identify-secret"; // vitest.config.ts
const identify = (visitor: string, body: unknown, headers: Record<string, string> = {}) =>
  call(new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify(body), headers: { cookie: cookieFor(visitor), ...headers } }));
/** The visitor id a browser holds after this answer (identify moves it to the user's profile). */
const cookieAfter = (res: Response, before: string) => /rujai_id=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? before;
const me = async (visitor: string) =>
  (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(visitor) } }))).json()) as { userId: string | null; traits: Record<string, unknown> };

describe("identify", () => {
  it("a correct signature links the user and stores the traits", async () => {
    const v = newVisitor();
    const res = await identify(v, { userId: "u-1001", traits: { first_name: "Somchai", tier: "gold", points: 1200 }, signature: await sign("u-1001", SECRET) });
    expect(await res.json()).toEqual({ identified: true });
    expect(await me(cookieAfter(res, v))).toMatchObject({ userId: "u-1001", traits: { first_name: "Somchai", tier: "gold", points: 1200 } });
  });

  it("a wrong or missing signature gets 403 and changes nothing", async () => {
    const v = cookieAfter(await identify(newVisitor(), { userId: "u-1", traits: { tier: "silver" }, signature: await sign("u-1", SECRET) }), "");
    const forged = await identify(v, { userId: "u-2", traits: { tier: "platinum" }, signature: await sign("u-2", "guessed-secret") });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
    expect(await forged.json()).toEqual({ error: "signature does not match the user id", path: "$.signature" });
    expect((await identify(v, { userId: "u-2", traits: {}, signature: "" })).status).toBe(403);
    expect(await me(v)).toMatchObject({ userId: "u-1", traits: { tier: "silver" } });
  });

  it("bad bodies get a 400 naming the field", async () => {
    const v = newVisitor();
    const res = await identify(v, { userId: "u-1", traits: { "First Name": "x" }, signature: "00" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { path: string }).path).toBe('$.traits["First Name"]');
  });

  it("a trait shown in a slot template comes out escaped and inert", async () => {
    await putRules({
      segments: { members: { when: { not: { segment: "nobody" } } }, nobody: { when: { count: { event: "never_happens" } } } },
      slots: { hero: [{ id: "hello", show: { count: { event: "page_view" }, atLeast: 0 }, html: "<h2>สวัสดี {{trait.first_name | คุณลูกค้า}}</h2>" }] },
    });
    const v = cookieAfter(await identify(newVisitor(), { userId: "u-x", traits: { first_name: '<script>alert("owned")</script>' }, signature: await sign("u-x", SECRET) }), "");
    const hero = slotOf(await (await getPage("/", v)).text(), "hero");
    expect(hero.content).toBe("<h2>สวัสดี &#60;script&#62;alert(&#34;owned&#34;)&#60;/script&#62;</h2>");
    const stranger = slotOf(await (await getPage("/")).text(), "hero");
    expect(stranger.content).toBe("<h2>สวัสดี คุณลูกค้า</h2>");
  });
});

describe("identity merge", () => {
  const kept = async (cookieValue: string) =>
    (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: `rujai_id=${cookieValue}` } }))).json()) as {
      userId: string | null;
      events: Array<{ id: string }>;
    };
  const cookieOf = (res: Response) => /rujai_id=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];

  it("merges the anonymous profile into the user's, and a second device shares it", async () => {
    const laptop = newVisitor();
    const phone = newVisitor();
    const { sendEvents, event } = await import("../support/worker");
    const a = event("view_item", { item_id: "sn-runner", category: "sneakers" });
    const b = event("add_to_cart", { item_id: "sn-runner", category: "sneakers" });
    const c = event("view_item", { item_id: "dk-tea", category: "drinks" });
    await sendEvents(laptop, [a, b]);
    await sendEvents(phone, [c, a]); // `a` again: the same event id is counted once after merging
    const signature = await sign("u-777", SECRET);

    const fromLaptop = await identify(laptop, { userId: "u-777", traits: { tier: "gold" }, signature });
    const userCookie = cookieOf(fromLaptop)!;
    expect(userCookie).toMatch(/^u-[0-9a-f]{40}$/);
    const fromPhone = await identify(phone, { userId: "u-777", traits: {}, signature });
    expect(cookieOf(fromPhone)).toBe(userCookie);

    const user = await kept(userCookie);
    expect(user.userId).toBe("u-777");
    expect(user.events.map((e) => e.id).sort()).toEqual([a.id, b.id, c.id].sort());
    expect((await kept(laptop)).events).toEqual([]);
    expect((await kept(phone)).events).toEqual([]);
  });

  it("a made-up user key leads to nobody's data", async () => {
    expect((await kept(`u-${"0".repeat(40)}`)).events).toEqual([]);
  });
});
