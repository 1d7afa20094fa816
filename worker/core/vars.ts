/** The values slot templates may show for a profile (DO pages, /decide, admin preview). Pure. */
import { topCategory } from "./affinity";
import type { ProfileView } from "./profile";
import type { Scores } from "./scores";
import type { TemplateVars, TraitValue } from "./template";

/** `scores` as the rules score them (segments.ts `scoresFor`). */
export function templateVars(profile: ProfileView, now: number, scores: Scores): TemplateVars {
  return {
    traits: profile.traits as Readonly<Record<string, TraitValue>>,
    top: { category: topCategory(profile, now) },
    engagement: scores.engagement.level,
    intent: `${Math.round(scores.intent.score * 100)}%`,
    rfm: scores.rfm.group,
  };
}
