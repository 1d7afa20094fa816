/** POST /rujai/identify: only a user id signed with the site secret is believed. */
import { describe, expect, it } from "vitest";
import { call, cookieFor, getPage, newVisitor, putRules, slotOf } from "../support/worker";
import { sign } from "../../worker/http/signature";

const SECRET = "test-identify-secret"; // vitest.config.ts
const identify = (visitor: string, body: unknown, headers: Record<string, string> = {}) =>
  call(new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify(body), headers: { cookie: cookieFor(visitor), ...headers } }));
const me = async (visitor: string) =>
  (await (await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(visitor) } }))).json()) as { userId: string | null; traits: Record<string, unknown> };

describe("identify", () => {
  it("a correct signature links the user and stores the traits", async () => {
    const v = newVisitor();
    const res = await identify(v, { userId: "u-1001", traits: { first_name: "Somchai", tier: "gold", points: 1200 }, signature: await sign("u-1001", SECRET) });
    expect(await res.json()).toEqual({ identified: true });
    expect(await me(v)).toMatchObject({ userId: "u-1001", traits: { first_name: "Somchai", tier: "gold", points: 1200 } });
  });

  it("a wrong or missing signature gets 403 and changes nothing", async () => {
    const v = newVisitor();
    await identify(v, { userId: "u-1", traits: { tier: "silver" }, signature: await sign("u-1", SECRET) });
    const forged = await identify(v, { userId: "u-2", traits: { tier: "platinum" }, signature: await sign("u-2", "guessed-secret") });
    expect(forged.status).toBe(403);
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
    const v = newVisitor();
    await identify(v, { userId: "u-x", traits: { first_name: '<script>alert("owned")</script>' }, signature: await sign("u-x", SECRET) });
    const hero = slotOf(await (await getPage("/", v)).text(), "hero");
    expect(hero.content).toBe("<h2>สวัสดี &#60;script&#62;alert(&#34;owned&#34;)&#60;/script&#62;</h2>");
    const stranger = slotOf(await (await getPage("/")).text(), "hero");
    expect(stranger.content).toBe("<h2>สวัสดี คุณลูกค้า</h2>");
  });
});
