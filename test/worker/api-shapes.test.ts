/**
 * Real answers against the shapes the OpenAPI description is generated from, and the
 * description's examples against the same shapes: the published API cannot drift from the
 * worker's.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { call, cookieFor, event, newVisitor, putRules, sendEvents } from "../support/worker";
import { identifyToken } from "../support/identify-token";
import { shopRules } from "../support/rules";
import * as S from "../../worker/api/schemas";
import { EXAMPLES } from "../../worker/api/openapi";

const admin = (path: string, init: RequestInit = {}) => call(new Request(`https://shop.test/rujai/admin${path}`, { ...init, headers: { authorization: "Bearer test-admin-token", ...(init.headers ?? {}) } }));
const expectShape = async (res: Response, schema: z.ZodType, status = 200) => {
  expect(res.status).toBe(status);
  const body: unknown = await res.json();
  const parsed = schema.safeParse(body);
  expect(parsed.success, JSON.stringify(parsed.error?.issues ?? [])).toBe(true);
  return body;
};

describe("the description's examples", () => {
  it("match their shapes", () => {
    expect(S.IngestResult.safeParse(EXAMPLES.ingest).success).toBe(true);
    expect(S.ErrorBody.safeParse(EXAMPLES.refusal).success).toBe(true);
    expect(S.IdentifyResult.safeParse(EXAMPLES.identified).success).toBe(true);
  });
});

describe("real answers match the description", () => {
  it("public endpoints", async () => {
    await putRules(shopRules);
    const v = newVisitor();
    await expectShape(await sendEvents(v, [event("view_item", { item_id: "a", category: "sneakers" }), { id: "bad", type: "x", ts: 0 }]), S.IngestResult);
    await expectShape(await call(new Request("https://shop.test/rujai/decide?slots=hero,promo", { headers: { cookie: cookieFor(v) } })), S.DecideResult);
    await expectShape(await call(new Request("https://shop.test/rujai/me", { headers: { cookie: cookieFor(v) } })), S.MeResult);
    const login = (token: string) => call(new Request("https://shop.test/rujai/identify", { method: "POST", body: JSON.stringify({ token }), headers: { cookie: cookieFor(v) } }));
    const token = await identifyToken("u-shape");
    await expectShape(await login(token), S.IdentifyResult);
    await expectShape(await login(token), S.ErrorBody, 403);
    await expectShape(await call(new Request("https://shop.test/rujai/reset", { method: "POST" })), S.Reset);
    await expectShape(await call(new Request("https://shop.test/rujai/me", { method: "DELETE", headers: { cookie: cookieFor(v) } })), S.Erased);
    await expectShape(
      await call(new Request("https://shop.test/rujai/server/e", { method: "POST", body: JSON.stringify({ sentAt: Date.now(), events: [{ ...event("purchase", { value: 10 }), userId: "u-shape" }] }), headers: { authorization: "Bearer test-server-token" } })),
      S.IngestResult,
    );
  });

  it("admin endpoints", async () => {
    await putRules(shopRules);
    await sendEvents(newVisitor(), [event("view_item", { item_id: "a", category: "sneakers" })]);
    await expectShape(await admin("/rules"), S.RulesGet);
    await expectShape(await admin("/rules/validate", { method: "POST", body: JSON.stringify(shopRules) }), S.ValidateResult);
    await expectShape(await admin("/rules/validate", { method: "POST", body: JSON.stringify({ segments: { x: { when: { idleFor: "soon" } } } }) }), S.RuleErrors, 400);
    await expectShape(await admin("/rules/history"), S.History);
    await expectShape(await admin("/stats?days=7"), S.Stats);
    await expectShape(await admin("/stats?days=0"), S.ErrorBody, 400);
    await expectShape(await admin("/shadow", { method: "PUT", body: JSON.stringify(shopRules) }), S.ShadowStarted);
    await expectShape(await admin("/shadow"), S.ShadowReport);
    await expectShape(await admin("/shadow", { method: "DELETE" }), S.ShadowReport);
    await expectShape(await admin("/audiences"), S.AudienceList);
    await expectShape(await admin("/audiences/top?by=intent&n=5"), S.TopResult);
    await expectShape(await admin("/audiences/sneaker-fans?limit=5"), S.MembersPage);
    await expectShape(await admin("/audiences/estimate", { method: "POST", body: JSON.stringify({ when: { segment: "sneaker-fans" } }) }), S.EstimateResult);
    await expectShape(await admin("/deliveries"), S.Deliveries);
    await expectShape(await admin("/intent/fit", { method: "POST" }), S.IntentFitReport);
    await expectShape(await admin("/intent"), S.IntentModelInfo);
    await expectShape(await admin("/audiences/top?by=shoe-size"), S.ErrorBody, 400);
  });

  it("the description itself is served", async () => {
    const res = await call(new Request("https://shop.test/rujai/openapi.json"));
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/rujai/admin/audiences/{segment}/export.csv");
    const page = await (await call(new Request("https://shop.test/rujai/docs"))).text();
    expect(page).toContain('data-url="/rujai/openapi.json"');
  });
});
