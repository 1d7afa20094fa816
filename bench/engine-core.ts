// Entry bundled by bench/engine.mjs: the pure segment engine, as the Profile DO uses it.
export { compileRules, evaluateSegments } from "../worker/core/segments";
export { buildProfile } from "../worker/core/profile";
