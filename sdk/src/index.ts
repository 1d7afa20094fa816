/**
 * The served script, /rujai.js: one tag, zero config. Options come from the tag's data-
 * attributes (`data-base`, `data-consent`, `data-auto="false"`, `data-query`) or a queued
 * `rujai("init", {...})`. Calls made through the stub before this loads are replayed:
 *   <script>window.rujai=window.rujai||function(){(rujai.q=rujai.q||[]).push(arguments)}</script>
 */
import { core, type Options, type Rujai } from "./rujai";
import { capture } from "./capture";

type Extra = typeof import("./extra");
type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[] };
const w = window as unknown as { rujai?: Stub; dataLayer?: unknown };
const queued = Array.from(w.rujai?.q ?? [], (args) => Array.from(args));
const data = (document.currentScript as HTMLScriptElement | null)?.dataset ?? {};
// The tag's data-base, data-consent and data-query are the options of the same names.
const options: Options = { ...(data as Options), auto: data.auto !== "false" };
for (const [method, extra] of queued) if (method === "init") Object.assign(options, extra);

const c = core(options);
let loading: Promise<Extra> | undefined;
// Loaded once, on first use: a failed load rejects the call, which the stub swallows.
const extra = () => (loading ??= import(/* @vite-ignore */ c.base + "/extra.js") as Promise<Extra>);
const r = { ...c } as Rujai;
for (const name of ["decide", "identify", "reset"] as const) {
  (r as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
    extra().then((x) => (x[name] as (core: typeof c, ...a: unknown[]) => unknown)(c, ...args));
}
const call = (method: unknown, ...args: unknown[]) => {
  try {
    return (r as unknown as Record<string, (...a: unknown[]) => unknown>)[method as string]?.(...args);
  } catch {
    /* never break the host page */
  }
};
w.rujai = Object.assign(call, r);
if (options.auto) {
  capture(c);
  if (w.dataLayer) void extra().then((x) => x.bridge(c), c.report);
}
for (const [method, ...args] of queued) if (method !== "init") call(method, ...args);
