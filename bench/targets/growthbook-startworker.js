// GrowthBook's edge app for bench/start-worker.mjs: the same experiment as growthbook.js, its
// payload from a setting (wrangler's dev API offers no way to fill a local KV before the
// first request), handed over as the app's config override.
import { handleRequest } from "@growthbook/edge-cloudflare";

export default {
  fetch: (request, env) => handleRequest(request, env, { payload: JSON.parse(env.GB_PAYLOAD) }),
};
