/**
 * Admin inputs that used to answer 500: each now gets a 400 naming the JSON path, and what was
 * kept before stays as it was.
 */
import { describe, expect, it } from "vitest";
import { call, putRules, testEnv } from "../support/worker";
import { shopRules } from "../support/rules";

const admin = (path: string, method: string, body: string) =>
  call(new Request(`https://shop.test/rujai/admin${path}`, { method, body, headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" } }));
const errorsOf = async (res: Response) => {
  const body = (await res.json()) as { path?: string; errors?: Array<{ path: string; message: string }> };
  return body.errors ?? [{ path: body.path!, message: "" }];
};

describe("admin inputs that are out of range", () => {
  it("a preview at 1e20 ms", async () => {
    const res = await admin("/preview", "POST", JSON.stringify({ at: 1e20 }));
    expect(res.status).toBe(400);
    expect((await errorsOf(res))[0]!.path).toBe("$.at");
  });
  it("a preview in timezone Mars/Phobos", async () => {
    const res = await admin("/preview", "POST", JSON.stringify({ profile: { events: [], context: { timezone: "Mars/Phobos" } } }));
    expect(res.status).toBe(400);
    expect(await errorsOf(res)).toEqual([{ path: "$.profile.context.timezone", message: "not an IANA timezone (e.g. Asia/Bangkok)" }]);
  });
  it("a rules document nesting `not` 5,000 deep is refused, and the serving rules stay", async () => {
    await putRules(shopRules);
    let when: unknown = { count: { event: "view_item" } };
    for (let i = 0; i < 5_000; i++) when = { not: when };
    const text = JSON.stringify({ segments: { deep: { when } }, slots: {} });
    for (const [path, method] of [["/rules", "PUT"], ["/rules/validate", "POST"]] as const) {
      const res = await admin(path, method, text);
      expect(res.status).toBe(400);
      const [error] = await errorsOf(res);
      expect(error!.path.startsWith("$.segments.deep.when.not.not")).toBe(true);
    }
    const preview = await admin("/preview", "POST", JSON.stringify({ rules: JSON.parse(text) }));
    expect(preview.status).toBe(400);
    expect(JSON.parse((await testEnv.RULES.get("rules"))!)).toEqual(shopRules);
  });
  it("a body over 256 KiB is cut off with 413", async () => {
    const res = await admin("/rules", "PUT", "x".repeat(300 * 1024));
    expect(res.status).toBe(413);
  });
});
