/** The values slot templates may show for a profile (DO pages, /decide, admin preview). Pure. */
import { topCategory } from "./affinity";
import type { ProfileView } from "./profile";
import { scoresOf, type RfmThresholds } from "./scores";
import type { TemplateVars, TraitValue } from "./template";

export function templateVars(profile: ProfileView, now: number, thresholds?: RfmThresholds): TemplateVars {
  const scores = scoresOf(profile, profile.lifetime, now, thresholds);
  return {
    traits: profile.traits as Readonly<Record<string, TraitValue>>,
    top: { category: topCategory(profile, now) },
    engagement: scores.engagement.level,
    intent: `${Math.round(scores.intent.score * 100)}%`,
    rfm: scores.rfm.group,
  };
}
