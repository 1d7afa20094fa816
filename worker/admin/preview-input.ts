/**
 * What a preview is asked about: a real visitor (by id) or a hand-written profile — events
 * given as "how long ago", traits, context — at a chosen time, against the saved rules or a
 * draft. Turned into the plain data the pure preview takes.
 */
import { z } from "zod";
import { buildProfile, type ProfileView, type StoredEvent, type VisitContext } from "../core/profile";
import { durationMs } from "../core/duration";
import { DURATION } from "../rules/schema";
import type { TemplateVars } from "../core/template";
import { EpochMs, Timezone } from "../core/vocabulary";

const Scalar = z.union([z.string().max(256), z.number(), z.boolean()]);
const PreviewEvent = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  /** "2h", "3d" before the preview time; or `ts` in epoch ms. */
  ago: z.string().regex(DURATION, 'a duration like "30m"').optional(),
  ts: EpochMs.optional(),
  props: z.record(z.string(), z.unknown()).optional(),
});

export const PreviewBody = z.strictObject({
  visitorId: z.string().max(64).optional(),
  profile: z
    .strictObject({
      events: z.array(PreviewEvent).max(5000).default([]),
      traits: z.record(z.string(), Scalar).default({}),
      context: z
        .strictObject({
          timezone: Timezone.optional(),
          country: z.string().optional(),
          device: z.string().optional(),
          browser: z.string().optional(),
          referrer: z.string().optional(),
          utm_source: z.string().optional(),
          utm_medium: z.string().optional(),
          utm_campaign: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** ISO time or epoch ms; default now. */
  at: z.union([z.iso.datetime({ offset: true }), EpochMs]).optional(),
  /** A draft rules document to preview instead of the saved one. */
  rules: z.unknown().optional(),
  /** For page previews: which page of the site. */
  path: z.string().startsWith("/").max(512).optional(),
});
export type PreviewBody = z.infer<typeof PreviewBody>;

export interface PreviewSubject {
  profile: ProfileView;
  vars: TemplateVars;
  context: Partial<VisitContext>;
}

export function handWrittenSubject(input: NonNullable<PreviewBody["profile"]>, now: number): PreviewSubject {
  const events: StoredEvent[] = input.events.map((e, i) => ({
    id: `preview-${i}`,
    type: e.type,
    ts: e.ts ?? now - (e.ago ? durationMs(e.ago) : 0),
    ...(e.props ? { props: e.props as StoredEvent["props"] } : {}),
  }));
  return { profile: buildProfile(events, input.traits), vars: { traits: input.traits }, context: input.context ?? {} };
}
