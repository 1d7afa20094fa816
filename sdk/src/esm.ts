/**
 * rujai for bundlers: `import { init } from "rujai"; const rujai = init({ consent: "pending" })`.
 * Everything is bundled in (no second file); `auto: false` captures only what you `track`.
 */
import { core, type Options, type Rujai } from "./rujai";
import { capture } from "./capture";
import { bridge, decide, identify, reset } from "./extra";

export type { Consent, Options, Props, Rujai, SlotDecision } from "./rujai";
export type { WireEvent, WireBatch } from "./wire";

export function init(options: Options = {}): Rujai {
  const c = core(options);
  if (options.auto !== false) {
    capture(c);
    bridge(c);
  }
  return {
    ...c,
    decide: (slots) => decide(c, slots),
    identify: (...args) => identify(c, ...args),
    reset: () => reset(c),
  };
}
