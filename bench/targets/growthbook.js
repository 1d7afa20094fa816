// GrowthBook's edge app (@growthbook/edge-cloudflare, pinned in bench/peers) doing the floor's
// hero swap: a visual-editor experiment whose one variation (weight 1) sets the hero slot's
// HTML, its payload in local KV (KV_GB_PAYLOAD, key gb_payload), script injection off.
import { handleRequest } from "@growthbook/edge-cloudflare";

export default {
  fetch: (request, env) => handleRequest(request, env),
};
