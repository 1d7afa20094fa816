/**
 * The shapes of rujai's HTTP API, in zod: the OpenAPI description is generated from them
 * (api/openapi.ts) and the tests check real responses against them, so the published
 * description cannot drift from what the worker answers.
 */
import { z } from "zod";

export const ErrorBody = z.object({ error: z.string(), path: z.string().describe("JSON path of the problem, e.g. $.token.exp") });
export const RuleErrors = z.object({ error: z.string().optional(), valid: z.literal(false).optional(), errors: z.array(z.object({ path: z.string(), message: z.string() })) });

const WireEvent = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  type: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  ts: z.number().describe("epoch ms"),
  props: z.record(z.string(), z.unknown()).optional(),
});
export const EventBatch = z.object({ sentAt: z.number().describe("the browser's clock when sent (epoch ms)"), events: z.array(WireEvent).max(50), dropped: z.number().int().optional() });
export const ServerEventBatch = z.object({
  sentAt: z.number(),
  events: z.array(WireEvent.extend({ userId: z.string().optional(), visitorId: z.string().optional() })).max(50),
});
export const IngestResult = z.object({
  kept: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), id: z.string().optional(), reason: z.string() })),
});
export const DecideResult = z.object({
  segments: z.array(z.string()),
  slots: z.record(z.string(), z.object({ rule: z.string(), variant: z.string(), html: z.string().nullable() })),
});
export const IdentifyRequest = z.strictObject({ token: z.string().min(1).max(4096).describe("a JWT (HS256) made by the site's backend for this login") });
export const IdentifyResult = z.object({ identified: z.boolean(), reason: z.string().optional() });
export const MeResult = z.object({
  visitorId: z.string().nullable(),
  userId: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  scores: z.unknown(),
  segments: z.array(z.object({ name: z.string(), since: z.number() })),
  history: z.array(z.object({ name: z.string(), entered: z.number(), exited: z.number() })),
  events: z.array(z.unknown()),
  context: z.unknown(),
  arms: z.array(z.object({ rule: z.string(), variant: z.string(), since: z.string(), converted: z.boolean() })).describe("the variants (or holdouts) shown to this visitor, for results"),
  storedBytes: z.number().optional(),
});
export const Erased = z.object({ erased: z.boolean() });
export const Reset = z.object({ reset: z.literal(true) });

export const VersionInfo = z.object({ version: z.string(), savedAt: z.number(), author: z.string(), summary: z.string() });
export const RulesGet = z.object({ version: z.string().nullable(), document: z.unknown(), saved: VersionInfo.nullable() });
export const ValidateResult = z.object({
  valid: z.literal(true),
  summary: z.string(),
  segments: z.array(z.object({ name: z.string(), label: z.string().nullable(), summary: z.string() })),
  slots: z.record(z.string(), z.array(z.object({ id: z.string(), summary: z.string() }))),
  triggers: z.array(z.object({ id: z.string(), summary: z.string() })),
});
export const History = z.object({ versions: z.array(VersionInfo) });
export const Segment = z.object({ name: z.string(), label: z.string().nullable(), size: z.number().int(), identified: z.number().int(), trend: z.array(z.object({ date: z.string(), size: z.number().int() })) });
export const AudienceList = z.object({ visitors: z.number().int(), segments: z.array(Segment), overlap: z.array(z.object({ a: z.string(), b: z.string(), both: z.number().int() })) });
export const Member = z.object({
  visitorId: z.string(),
  userId: z.string().nullable(),
  since: z.number().optional(),
  scores: z.object({ intent: z.number(), engagement: z.number(), rfm: z.string().nullable(), orders: z.number(), value: z.number(), topCategory: z.string().nullable(), lastSeen: z.number().nullable() }),
  traits: z.record(z.string(), z.unknown()),
  factors: z.array(z.object({ name: z.string(), value: z.union([z.number(), z.string()]), effect: z.number() })).optional(),
});
export const MembersPage = z.object({ segment: z.string(), order: z.string(), members: z.array(Member), next: z.string().nullable() });
export const TopResult = z.object({ by: z.string(), segment: z.string().nullable(), members: z.array(Member) });
export const EstimateRequest = z.object({ when: z.unknown().describe("a condition, as in a segment's `when`") });
export const EstimateResult = z.object({ reach: z.number(), low: z.number(), high: z.number(), visitors: z.number(), sampled: z.number().optional(), matched: z.number().optional(), method: z.string() });
export const Deliveries = z.object({
  deliveries: z.array(z.object({ id: z.string(), trigger: z.string(), destination: z.string(), visitorId: z.string(), status: z.string(), attempts: z.number(), lastStatus: z.number().nullable(), lastError: z.string().nullable(), createdAt: z.number(), updatedAt: z.number() })),
  triggers: z.record(z.string(), z.record(z.string(), z.number())),
  results: z.record(z.string(), z.unknown()),
});
export const Queued = z.object({ queued: z.string() });
const Counts = { visitors: z.number(), impressions: z.number(), clicks: z.number(), conversions: z.number(), converters: z.number(), revenue: z.number(), revenueSquares: z.number() };
const Pair = z.tuple([z.number(), z.number()]);
const Difference = { difference: z.number(), differenceInterval: Pair, relative: z.number().nullable(), relativeInterval: Pair.nullable() };
export const RuleResults = z.object({
  variants: z.array(z.object({ variant: z.string(), ...Counts, rate: z.number().nullable(), revenuePerVisitor: z.number().nullable() })),
  comparisons: z.array(
    z.object({
      variant: z.string(),
      conversion: z.object({ rate: z.number(), holdoutRate: z.number(), ...Difference, needed: z.number().nullable(), verdict: z.string() }).nullable(),
      revenue: z.object({ perVisitor: z.number(), holdoutPerVisitor: z.number(), ...Difference }).nullable(),
    }),
  ),
  series: z.array(z.object({ day: z.string(), arms: z.record(z.string(), z.object({ visitors: z.number(), converters: z.number(), rate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() })) })),
});
const Goal = z.object({ event: z.string(), within: z.string().optional(), where: z.record(z.string(), z.unknown()).optional() });
export const Stats = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  minEffect: z.number(),
  methods: z.object({ conversion: z.string(), revenue: z.string(), peeking: z.string() }),
  slots: z.array(z.object({ slot: z.string(), rules: z.array(RuleResults.extend({ rule: z.string(), holdout: z.number(), goal: Goal })) })),
});
export const ShadowStarted = z.object({ version: z.string(), started: z.number(), author: z.string() });
export const ShadowReport = z.union([
  z.object({ active: z.literal(false) }),
  z.object({
    active: z.literal(true),
    version: z.string(),
    started: z.number().nullable(),
    author: z.string().nullable(),
    document: z.unknown(),
    segments: z.array(z.object({ segment: z.string(), visitors: z.number(), pages: z.number() })),
    wins: z.array(z.object({ slot: z.string(), rule: z.string(), variant: z.string(), visitors: z.number(), impressions: z.number() })),
    takes: z.array(z.object({ slot: z.string(), from: z.string(), to: z.string(), visitors: z.number(), impressions: z.number() })),
  }),
]);

const Calibration = z.array(z.object({ decile: z.number(), predicted: z.number(), observed: z.number(), rows: z.number() }));
export const IntentCard = z.object({
  trainedAt: z.number(),
  rows: z.number(),
  customers: z.number(),
  positives: z.number(),
  heldOut: z.object({ rows: z.number(), customers: z.number(), auc: z.number().nullable(), precisionTop5: z.number().nullable(), baseRate: z.number(), calibration: Calibration }),
  lambda: z.number(),
  horizonDays: z.number(),
  method: z.string(),
});
export const IntentFitReport = z.object({ fitted: z.boolean(), at: z.number(), profiles: z.number(), rows: z.number(), positives: z.number(), reason: z.string().optional(), card: IntentCard.optional() });
export const IntentModelInfo = z.object({
  model: z.object({ kind: z.enum(["prior", "fitted"]), card: IntentCard.nullable(), bias: z.number(), coefficients: z.array(z.object({ name: z.string(), weight: z.number(), mean: z.number(), std: z.number() })) }),
  lastFit: IntentFitReport.nullable(),
});
