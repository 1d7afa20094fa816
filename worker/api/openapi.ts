/**
 * The OpenAPI 3.1 description of rujai's public and admin APIs, generated from the zod shapes
 * in api/schemas.ts (the same ones the tests check real responses against); served by
 * routes/openapi.ts.
 */
import { z } from "zod";
import * as S from "./schemas";
import { PreviewBody } from "../admin/preview-input";

type Schema = z.ZodType;
interface Operation {
  summary: string;
  auth?: "admin" | "server";
  body?: Schema;
  bodyType?: string;
  query?: Array<[name: string, description: string]>;
  ok: Schema | "csv" | "html" | "schema" | "javascript";
  /** Refusals this call may answer, with their body shape. */
  refusals?: Record<number, string>;
  example?: unknown;
}

/** Examples the tests hold against real answers. */
export const EXAMPLES = {
  ingest: { kept: 2, duplicates: 0, rejected: [{ index: 2, id: "a1b2c3d4e5", reason: "ts is more than 7 days old" }] },
  refusal: { error: "the token has expired", path: "$.token" },
  identified: { identified: true },
} as const;

const OPERATIONS: Record<string, Partial<Record<"get" | "post" | "put" | "delete", Operation>>> = {
  "/e": { post: { summary: "An event batch from a page (JSON or a text/plain beacon)", body: S.EventBatch, bodyType: "text/plain", ok: S.IngestResult, refusals: { 400: "a bad batch", 403: "another site", 413: "over 64 KiB", 429: "rate limit" }, example: EXAMPLES.ingest } },
  "/server/e": { post: { summary: "Events from the site's backend, kept with source \"server\"", auth: "server", body: S.ServerEventBatch, ok: S.IngestResult, refusals: { 400: "a bad batch", 401: "missing or wrong token", 413: "over 64 KiB" } } },
  "/decide": { get: { summary: "The decision for single-page apps", query: [["slots", "comma-separated slot names"]], ok: S.DecideResult, refusals: { 429: "rate limit" } } },
  "/identify": { post: { summary: "Link the visitor to a user with a token from the site's backend", body: S.IdentifyRequest, ok: S.IdentifyResult, refusals: { 400: "a bad body", 403: "a bad, expired or replayed token, or another site", 413: "over 8 KiB" }, example: EXAMPLES.identified } },
  "/me": {
    get: { summary: "What is kept about this visitor", ok: S.MeResult },
    delete: { summary: "Erase everything kept about this visitor", ok: S.Erased, refusals: { 403: "another site" } },
  },
  "/reset": { post: { summary: "Logout: forget this browser's ids", ok: S.Reset, refusals: { 403: "another site" } } },
  "/rules.schema.json": { get: { summary: "The rules document's JSON Schema", ok: "schema" } },
  "/admin/rules": {
    get: { summary: "The serving rules document and its version", auth: "admin", ok: S.RulesGet },
    put: { summary: "Save and publish (If-Match: the version you edited)", auth: "admin", body: z.unknown(), ok: S.VersionInfo, refusals: { 400: "invalid: every error with its path", 409: "someone saved in between" } },
  },
  "/admin/rules/validate": { post: { summary: "Every error with its path, or the change in plain language", auth: "admin", body: z.unknown(), ok: S.ValidateResult, refusals: { 400: "invalid" } } },
  "/admin/rules/history": { get: { summary: "Saved versions, newest first", auth: "admin", ok: S.History } },
  "/admin/rules/rollback": { post: { summary: "Make an old version live again", auth: "admin", body: z.object({ version: z.string() }), ok: S.VersionInfo, refusals: { 400: "no version given", 404: "no such version" } } },
  "/admin/preview": { post: { summary: "What a visitor or a written profile would see and why", auth: "admin", body: PreviewBody, ok: z.record(z.string(), z.unknown()), refusals: { 400: "a bad preview request" } } },
  "/admin/preview/page": { post: { summary: "The same, as the shop page", auth: "admin", body: PreviewBody, ok: "html", refusals: { 422: "not a previewable page" } } },
  "/admin/stats": { get: { summary: "What each slot rule achieved against its holdout: per arm, comparisons with 95 % intervals, the daily series", auth: "admin", query: [["days", "1–400, default 30"]], ok: S.Stats, refusals: { 400: "days out of range" } } },
  "/admin/stats/export.csv": { get: { summary: "The daily counters per rule and arm as CSV (UTF-8 with BOM)", auth: "admin", query: [["days", "1–400, default 30"]], ok: "csv", refusals: { 400: "days out of range" } } },
  "/admin/shadow": {
    get: { summary: "The draft in shadow mode and what it would have done so far", auth: "admin", ok: S.ShadowReport },
    put: { summary: "Run a draft rules document in shadow mode (validated like a save; pages never change)", auth: "admin", body: z.unknown(), ok: S.ShadowStarted, refusals: { 400: "invalid: every error with its path" } },
    delete: { summary: "Stop shadow mode", auth: "admin", ok: S.ShadowReport },
  },
  "/admin/intent": { get: { summary: "The purchase-intent model in use (priors or fitted), its card and weights, and the last fit's report", auth: "admin", ok: S.IntentModelInfo } },
  "/admin/intent/fit": { post: { summary: "Fit the shop's intent model now (as the daily job does) and return its report", auth: "admin", ok: S.IntentFitReport } },
  "/admin/audiences": { get: { summary: "Every segment's size, trend and overlap", auth: "admin", ok: S.AudienceList } },
  "/admin/audiences/top": { get: { summary: "The N most likely to buy in the next two weeks (or by another score)", auth: "admin", query: [["by", "intent | engagement | value | recency"], ["n", "1–5000, default 500"], ["segment", "only this segment's members"]], ok: S.TopResult, refusals: { 400: "a bad parameter", 404: "no such segment" } } },
  "/admin/audiences/estimate": { post: { summary: "The reach of a draft condition, and how it was estimated", auth: "admin", body: S.EstimateRequest, ok: S.EstimateResult, refusals: { 400: "an invalid condition" } } },
  "/admin/audiences/{segment}": { get: { summary: "A segment's members, highest first, paged", auth: "admin", query: [["order", "intent | engagement | value | recency"], ["limit", "1–1000, default 100"], ["cursor", "next, from the previous page"]], ok: S.MembersPage, refusals: { 400: "a bad parameter", 404: "no such segment" } } },
  "/admin/audiences/{segment}/export.csv": { get: { summary: "A segment's members as CSV (UTF-8 with BOM; formulas made inert)", auth: "admin", ok: "csv", refusals: { 404: "no such segment" } } },
  "/admin/deliveries": { get: { summary: "Recent deliveries and each trigger's counts and results", auth: "admin", query: [["status", "pending | delivered | failed | dead"]], ok: S.Deliveries } },
  "/admin/deliveries/{id}/retry": { post: { summary: "Send a failed or dead delivery again (same id)", auth: "admin", ok: S.Queued, refusals: { 404: "no such delivery", 409: "already delivered" } } },
  "/admin/destinations/{name}/test": { post: { summary: "Queue a test message to a destination", auth: "admin", query: [["to", "a LINE user id, for line destinations"]], ok: S.Queued, refusals: { 400: "not a webhook or line destination", 404: "no such destination" } } },
};

const jsonSchema = (schema: Schema) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

export function openApiDocument(basePath = "/rujai"): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    const item: Record<string, unknown> = {};
    for (const [method, op] of Object.entries(methods)) {
      const params = [
        ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
        ...(op.query ?? []).map(([name, description]) => ({ name, in: "query", required: false, description, schema: { type: "string" } })),
      ];
      const ok =
        op.ok === "csv" ? { "text/csv": { schema: { type: "string" } } }
        : op.ok === "html" ? { "text/html": { schema: { type: "string" } } }
        : op.ok === "schema" ? { "application/schema+json": { schema: { type: "object" } } }
        : op.ok === "javascript" ? { "text/javascript": { schema: { type: "string" } } }
        : { "application/json": { schema: jsonSchema(op.ok), ...(op.example ? { example: op.example } : {}) } };
      item[method] = {
        summary: op.summary,
        ...(params.length ? { parameters: params } : {}),
        ...(op.auth ? { security: [{ [op.auth]: [] }] } : {}),
        ...(op.body ? { requestBody: { required: true, content: { [op.bodyType ?? "application/json"]: { schema: jsonSchema(op.body) } } } } : {}),
        responses: {
          200: { description: "OK", content: ok },
          ...Object.fromEntries(
            Object.entries(op.refusals ?? {}).map(([status, description]) => [
              status,
              { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, ...(status === "403" && path === "/identify" ? { example: EXAMPLES.refusal } : {}) } } },
            ]),
          ),
        },
      };
    }
    paths[`${basePath}${path}`] = item;
  }
  return {
    openapi: "3.1.0",
    info: { title: "rujai", version: "1", description: "Realtime segmentation and edge personalization: the public endpoints pages and backends call, and the admin API." },
    paths,
    components: {
      schemas: { Error: jsonSchema(S.ErrorBody) },
      securitySchemes: {
        admin: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" },
        server: { type: "http", scheme: "bearer", description: "SERVER_TOKEN" },
      },
    },
  };
}
