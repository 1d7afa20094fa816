/**
 * The rules document schema: the single source of truth for rule types (inferred below),
 * runtime validation (worker/rules/validate.ts) and the published JSON Schema.
 * DESIGN.md, "Rules document", is the contract this encodes.
 */
import { z } from "zod";

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** "30m", "24h", "7d" (also seconds for tests and tight windows). */
export const DURATION = /^[1-9][0-9]{0,5}(s|m|h|d)$/;
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A duration's length in days (for bounds; the format is checked by DURATION). */
function durationDays(text: string): number {
  const n = Number(text.slice(0, -1));
  return n / ({ s: 86_400, m: 1_440, h: 24, d: 1 }[text.slice(-1)] ?? 1);
}

const Name = z.string().regex(NAME, "use lowercase letters, digits, '-' or '_' (max 64)");
const Duration = z.string().regex(DURATION, 'a duration like "30m", "24h" or "7d"');
const EventType = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "an event name like \"view_item\"");

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const PropTest = z.union([
  Scalar,
  z
    .strictObject({
      eq: Scalar.optional(),
      in: z.array(Scalar).min(1).optional(),
      contains: z.string().optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
      /** Member of a list: an array, or a comma-separated string such as tags "vip,newsletter". */
      has: z.string().optional(),
    })
    .refine((o) => Object.keys(o).length > 0, "give at least one of eq, in, contains, gt, gte, lt, lte, has"),
]);
/** Event property filters: `{"category": "sneakers"}` or `{"price": {"gte": 1000}}`. */
const Where = z.record(z.string().min(1).max(64), PropTest);

const Compare = {
  atLeast: z.number().nonnegative().optional(),
  atMost: z.number().nonnegative().optional(),
  eq: z.number().nonnegative().optional(),
};
const DurationCompare = { atLeast: Duration.optional(), atMost: Duration.optional() };

export const CountCondition = z.strictObject({
  count: z.strictObject({ event: EventType, where: Where.optional(), within: Duration.optional() }),
  ...Compare,
});
export const SumCondition = z.strictObject({
  sum: z.strictObject({
    event: EventType,
    prop: z.string().min(1).max(64),
    where: Where.optional(),
    within: Duration.optional(),
  }),
  ...Compare,
});
/** Time since the last event of a kind; false when there was none. */
export const SinceCondition = z.strictObject({
  since: z.strictObject({ event: EventType, where: Where.optional() }),
  ...DurationCompare,
});
/** No activity at all for at least this long (the current page view ends it). */
export const IdleCondition = z.strictObject({ idleFor: Duration });
/** The visitor was first seen within this long (a new visitor; true with no history). */
export const FirstSeenCondition = z.strictObject({ firstSeenWithin: Duration });
/** Local wall-clock time in the visitor's timezone; `from` > `to` crosses midnight. */
const TimeRange = z.strictObject({
  from: z.string().regex(HHMM, 'a time like "17:00"'),
  to: z.string().regex(HHMM, 'a time like "21:00"'),
});
export const LocalTimeCondition = z.strictObject({ localTime: TimeRange });
export const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export const DaysCondition = z.strictObject({ days: z.array(z.enum(DAY_NAMES)).min(1) });
/** Another segment of the same document holds. */
export const SegmentCondition = z.strictObject({ segment: Name });
/** Time since the visitor's last activity before now, as a range. */
export const LastSeenCondition = z.strictObject({
  lastSeen: z
    .strictObject({ atLeast: Duration.optional(), atMost: Duration.optional() })
    .refine((o) => o.atLeast !== undefined || o.atMost !== undefined, "give atLeast, atMost or both"),
});
export const CONTEXT_FIELDS = ["country", "device", "browser", "referrer", "utm_source", "utm_medium", "utm_campaign"] as const;
/** The visit: country, device, browser, referrer host and UTM tags of the landing page. */
export const ContextCondition = z.strictObject({
  context: z
    .partialRecord(z.enum(CONTEXT_FIELDS), PropTest)
    .refine((o) => Object.keys(o).length > 0, `test at least one of ${CONTEXT_FIELDS.join(", ")}`),
});
/** Traits set by identify: `{"trait": {"tier": {"in": ["gold"]}, "points": {"gte": 1000}}}`. */
export const TraitCondition = z.strictObject({
  trait: z
    .record(z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/, "trait names are lowercase letters, digits and _"), PropTest)
    .refine((o) => Object.keys(o).length > 0, "test at least one trait"),
});
export const SCORE_NAMES = ["engagement", "intent", "rfm"] as const;
/**
 * Built-in scores (worker/core/scores.ts): engagement level 1–5, purchase intent 0–1 for the
 * next two weeks, RFM group. `{"score": {"intent": {"gte": 0.5}, "rfm": {"in": ["loyal"]}}}`.
 */
export const ScoreCondition = z.strictObject({
  score: z.partialRecord(z.enum(SCORE_NAMES), PropTest).refine((o) => Object.keys(o).length > 0, "test at least one of engagement, intent, rfm"),
});
/** The trait `birth_month` (1–12) is this month in the visitor's timezone. */
export const BirthMonthCondition = z.strictObject({ birthMonth: z.literal(true) });

export type Condition =
  | z.infer<typeof CountCondition>
  | z.infer<typeof SumCondition>
  | z.infer<typeof SinceCondition>
  | z.infer<typeof IdleCondition>
  | z.infer<typeof FirstSeenCondition>
  | z.infer<typeof LocalTimeCondition>
  | z.infer<typeof DaysCondition>
  | z.infer<typeof SegmentCondition>
  | z.infer<typeof LastSeenCondition>
  | z.infer<typeof ContextCondition>
  | z.infer<typeof TraitCondition>
  | z.infer<typeof BirthMonthCondition>
  | z.infer<typeof ScoreCondition>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    CountCondition,
    SumCondition,
    SinceCondition,
    IdleCondition,
    FirstSeenCondition,
    LocalTimeCondition,
    DaysCondition,
    SegmentCondition,
    LastSeenCondition,
    ContextCondition,
    TraitCondition,
    BirthMonthCondition,
    ScoreCondition,
    z.strictObject({ all: z.array(Condition).min(1) }),
    z.strictObject({ any: z.array(Condition).min(1) }),
    z.strictObject({ not: Condition }),
  ]),
);

/** The keys that name a condition form; used to explain union errors. */
export const CONDITION_KEYS = [
  "count", "sum", "since", "idleFor", "lastSeen", "firstSeenWithin", "localTime", "days", "context", "trait", "birthMonth", "score",
  "segment", "all", "any", "not",
] as const;

export const Segment = z.strictObject({
  label: z.string().max(200).optional(),
  when: Condition,
});

/** HTML with placeholders like {{trait.first_name | คุณลูกค้า}}; values are always escaped. */
const Html = z.string().max(16 * 1024);
const IsoDate = z.string().regex(ISO_DATE, 'a date like "2026-12-01"');

/** When a rule may show, in the visitor's timezone; dates are inclusive. */
export const Schedule = z
  .strictObject({
    from: IsoDate.optional(),
    until: IsoDate.optional(),
    days: z.array(z.enum(DAY_NAMES)).min(1).optional(),
    hours: TimeRange.optional(),
  })
  .refine((s) => Object.keys(s).length > 0, "give at least one of from, until, days, hours")
  .refine((s) => !s.from || !s.until || s.from <= s.until, "from must not be after until");
/** The longest a goal may wait after an exposure: events are kept 90 days. */
export const MAX_GOAL_DAYS = 90;
/**
 * What counts as a conversion for a rule's or trigger's results against its holdout: an event
 * (optionally filtered) within `within` after an exposure. Default: a purchase within 7 days.
 */
export const Goal = z.strictObject({
  event: EventType,
  where: Where.optional(),
  within: Duration.refine((d) => durationDays(d) <= MAX_GOAL_DAYS, `at most ${MAX_GOAL_DAYS} days (events are kept that long)`).optional(),
});
export const DEFAULT_GOAL = { event: "purchase", within: "7d" } as const satisfies z.infer<typeof Goal>;

export const Variant = z.strictObject({
  id: Name,
  html: Html,
  weight: z.number().positive().optional(),
});

export const SlotRule = z
  .strictObject({
    id: Name,
    /** A segment name, or an inline condition. */
    show: z.union([Name, Condition]),
    priority: z.number().int().optional(),
    /** Share of matching visitors who keep the default content, to measure uplift. */
    holdout: z.number().min(0).max(0.9).optional(),
    html: Html.optional(),
    variants: z.array(Variant).min(1).max(10).optional(),
    schedule: Schedule.optional(),
    /** At most this many impressions of the rule per visitor in any 24 hours. */
    frequencyCap: z.strictObject({ perDay: z.number().int().min(1).max(100) }).optional(),
    /** What counts as a conversion for this rule's results (default: a purchase within 7 days). */
    goal: Goal.optional(),
  })
  .refine((r) => (r.html === undefined) !== (r.variants === undefined), {
    message: "give either html or variants (exactly one)",
  });

/** A secret's name (set with `wrangler secret put`); rules never hold the secret itself. */
const SecretName = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'the name of a secret, like "CRM_WEBHOOK_SECRET"');
const HttpUrl = z.url({ protocol: /^https?$/, error: "an http(s) URL" }).max(2048);

/** Where messages go (DESIGN.md, "Triggers and destinations"). */
export const Destination = z.discriminatedUnion("type", [
  /** An HTTPS endpoint, signed per Standard Webhooks with the named secret (`whsec_…`). */
  z.strictObject({ type: z.literal("webhook"), url: HttpUrl, secret: SecretName }),
  /** The LINE Messaging API push call; `to` is the trait holding the user's LINE id. */
  z.strictObject({
    type: z.literal("line"),
    token: SecretName,
    to: z.string().regex(/^trait\.[a-z_][a-z0-9_]{0,63}$/, 'a trait, like "trait.line_user_id"'),
    /** The API's base URL (default https://api.line.me); for tests and proxies. */
    baseUrl: HttpUrl.optional(),
  }),
  /** A segment's membership changes, posted in batches of at most 500 on a schedule. */
  z.strictObject({ type: z.literal("audience-sync"), url: HttpUrl, secret: SecretName, segment: Name, every: Duration }),
]);

const JsonLeaf = z.union([z.string().max(2048), z.number(), z.boolean(), z.null()]);
const Payload = z.record(z.string().max(64), z.union([JsonLeaf, z.array(JsonLeaf).max(50), z.record(z.string().max(64), JsonLeaf)]));

/** A message outside the page: when something happens, after a delay, if still wanted. */
export const Trigger = z
  .strictObject({
    id: Name,
    on: z.union([
      z.strictObject({ event: EventType, where: Where.optional(), source: z.enum(["server", "browser"]).optional() }),
      z.strictObject({ enter: Name }),
      z.strictObject({ exit: Name }),
    ]),
    /** How long after the occurrence ("24h", "5m"); default at once. */
    after: Duration.optional(),
    /** Re-checked when the fire is due: if it holds then, nothing is sent. */
    unless: Condition.optional(),
    /** Not in these local hours: a fire due inside them waits until they end. */
    quietHours: TimeRange.optional(),
    to: Name,
    /** Share of visitors recorded but not sent, to measure the message against. */
    holdout: z.number().min(0).max(0.9).optional(),
    /** Plain text (LINE); placeholders are filled as text. */
    message: z.strictObject({ text: z.string().min(1).max(5000) }).optional(),
    /** JSON for webhooks; placeholders in strings are filled as JSON string content. */
    payload: Payload.optional(),
    /** What counts as a conversion for this trigger's results (default: a purchase within 7 days). */
    goal: Goal.optional(),
  })
  .refine((t) => t.message !== undefined || t.payload !== undefined, { message: "give a message or a payload" });

export const RulesDocument = z.strictObject({
  $schema: z.string().optional(),
  /** Default timezone when the request carries none (IANA name). */
  timezone: z.string().min(1).max(64).optional(),
  /** RFM thresholds (days since last purchase, order counts, lifetime value); defaults in scores.ts. */
  scores: z
    .strictObject({
      rfm: z
        .strictObject({
          recentDays: z.number().int().positive().optional(),
          lapsedDays: z.number().int().positive().optional(),
          lostDays: z.number().int().positive().optional(),
          loyalOrders: z.number().int().positive().optional(),
          championOrders: z.number().int().positive().optional(),
          championValue: z.number().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
  /** What may leave rujai through the audience index, exports and destinations. */
  audience: z
    .strictObject({
      /** Trait names allowed out (everything else stays in the profile). */
      traits: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/, "trait names are lowercase letters, digits and _")).max(50).optional(),
    })
    .optional(),
  segments: z.record(Name, Segment).default({}),
  slots: z.record(Name, z.array(SlotRule).max(50)).default({}),
  destinations: z.record(Name, Destination).optional(),
  triggers: z.array(Trigger).max(50).optional(),
  /** Messages one visitor may get from all triggers together in any 24 hours. */
  messageCap: z.strictObject({ perDay: z.number().int().min(1).max(50) }).optional(),
});

export type RulesDocument = z.infer<typeof RulesDocument>;
export type Segment = z.infer<typeof Segment>;
export type SlotRule = z.infer<typeof SlotRule>;
export type Trigger = z.infer<typeof Trigger>;
export type Goal = z.infer<typeof Goal>;
export type Destination = z.infer<typeof Destination>;
export type Variant = z.infer<typeof Variant>;
export type CountCondition = z.infer<typeof CountCondition>;
export type SumCondition = z.infer<typeof SumCondition>;
export type SinceCondition = z.infer<typeof SinceCondition>;
export type LocalTimeCondition = z.infer<typeof LocalTimeCondition>;
export type DayName = (typeof DAY_NAMES)[number];
export type PropTest = z.infer<typeof PropTest>;
export type Schedule = z.infer<typeof Schedule>;
