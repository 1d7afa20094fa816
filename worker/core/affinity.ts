/**
 * Top category affinity: the category a visitor looked at or carted most in the last 30
 * days (ties go to the most recent), for templates like "New in {{top.category}}". Pure.
 */
import { firstAfter, type ProfileView } from "./profile";

const WINDOW_MS = 30 * 86_400_000;
const WEIGHT: Record<string, number> = { view_item: 1, add_to_cart: 3, purchase: 5 };

export function topCategory(profile: ProfileView, now: number): string | undefined {
  const scores = new Map<string, { score: number; last: number }>();
  const from = firstAfter(profile.events, now - WINDOW_MS);
  for (let i = from; i < profile.events.length; i++) {
    const e = profile.events[i]!;
    const weight = WEIGHT[e.type];
    const category = e.props?.category;
    if (!weight || typeof category !== "string" || !category) continue;
    const s = scores.get(category) ?? { score: 0, last: 0 };
    s.score += weight;
    s.last = Math.max(s.last, e.ts);
    scores.set(category, s);
  }
  let best: string | undefined;
  let bestScore = { score: 0, last: 0 };
  for (const [category, s] of scores) {
    if (s.score > bestScore.score || (s.score === bestScore.score && s.last > bestScore.last)) {
      best = category;
      bestScore = s;
    }
  }
  return best;
}
