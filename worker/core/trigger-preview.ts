/**
 * Triggers in plain language, and what each would do for a previewed visitor: "welcome-day-1
 * would fire at 2026-11-27 09:00 (Asia/Bangkok) because sign_up at … + 24h, moved out of quiet
 * hours 21:00–09:00". Uses the same occurrence and decision code the Profile object runs. Pure.
 */
import type { Trigger } from "../rules/schema";
import { describeCondition } from "./describe";
import { clockText, localClock } from "./clock";
import { decideFire, occurrencesOf } from "./triggers";
import type { ProfileView } from "./profile";

export function describeTrigger(t: Trigger): string {
  const on = t.on;
  const when =
    "event" in on
      ? `When a visitor does "${on.event}"${on.source ? ` (sent by the ${on.source})` : ""}${on.where ? ` matching ${JSON.stringify(on.where)}` : ""}`
      : "enter" in on
        ? `When a visitor enters "${on.enter}"`
        : `When a visitor leaves "${on.exit}"`;
  const parts = [
    t.after ? `after ${t.after}` : "at once",
    t.unless && `unless they ${describeCondition(t.unless)}`,
    t.quietHours && `not between ${t.quietHours.from} and ${t.quietHours.to} (deferred)`,
    t.holdout && `${Math.round(t.holdout * 100)}% held out`,
  ].filter(Boolean);
  return `${when}, ${parts.join(", ")}: send to "${t.to}".`;
}

export interface TriggerPreview {
  trigger: string;
  summary: string;
  outcome: "would fire" | "would have fired" | "held out" | "skipped" | "not started";
  at: string | null;
  reasons: string[];
}

export function previewTriggers(
  triggers: readonly Trigger[],
  profile: ProfileView,
  held: ReadonlySet<string>,
  now: number,
  timezone: string,
  visitorId: string,
  unlessHolds: (t: Trigger) => boolean,
  cap: number | undefined,
): TriggerPreview[] {
  const local = (t: number) => {
    const c = localClock(t, timezone);
    return `${c.date} ${clockText(c.minute)} (${timezone})`;
  };
  return triggers.map((t): TriggerPreview => {
    const summary = describeTrigger(t);
    // Event triggers start from the visitor's latest matching event; enter triggers from now,
    // if the segment holds (the preview cannot know when it was entered).
    const transitions = "enter" in t.on && held.has(t.on.enter) ? [{ segment: t.on.enter, entered: true, at: now }] : [];
    // Preview looks at the whole history (what would have happened), not only the last hour.
    const latest = occurrencesOf([t], profile.events, transitions, Number.NEGATIVE_INFINITY).at(-1);
    if (!latest) return { trigger: t.id, summary, outcome: "not started", at: null, reasons: ["nothing in this profile starts it"] };
    const started = `${"event" in t.on ? `"${t.on.event}" at ${local(latest.at)}` : `entered "${(t.on as { enter: string }).enter}" now`}${t.after ? ` + ${t.after}` : ""}`;
    let due = latest.due;
    const reasons = [`started by ${started}`];
    const when = Math.max(due, now);
    const decision = decideFire({ trigger: t, now: when, timezone, visitorId, holds: (s) => held.has(s), unlessHolds: unlessHolds(t), sentLastDay: 0, cap });
    if (decision.kind === "defer") {
      due = decision.until;
      reasons.push(`moved out of quiet hours ${t.quietHours!.from}–${t.quietHours!.to}`);
    } else if (decision.kind === "skip") return { trigger: t.id, summary, outcome: "skipped", at: local(when), reasons: [...reasons, decision.reason] };
    else if (decision.kind === "holdout") return { trigger: t.id, summary, outcome: "held out", at: local(when), reasons: [...reasons, `this visitor is in the ${Math.round((t.holdout ?? 0) * 100)}% holdout: recorded, not sent`] };
    return { trigger: t.id, summary, outcome: due > now ? "would fire" : "would have fired", at: local(due), reasons };
  });
}
