// GrowthBook's edge app as a benchmark target: bundled from bench/peers and configured for
// the same hero swap the floor and rujai make.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

export const GROWTHBOOK_PAYLOAD = {
  features: {},
  experiments: [
    {
      key: "hero-swap",
      changeId: "hero-swap-1",
      hashAttribute: "id",
      hashVersion: 2,
      seed: "hero-swap",
      coverage: 1,
      weights: [0, 1],
      urlPatterns: [{ include: true, type: "regex", pattern: ".*" }],
      variations: [{}, { domMutations: [{ selector: '[data-rujai-slot="hero"]', action: "set", attribute: "html", value: "<h2>swapped</h2>" }] }],
    },
  ],
};

export async function buildGrowthbook() {
  if (!existsSync("bench/peers/node_modules/@growthbook/edge-cloudflare")) execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: "bench/peers", stdio: "inherit" });
  for (const name of ["growthbook", "growthbook-startworker"]) {
    await build({
      entryPoints: [`bench/targets/${name}.js`], bundle: true, format: "esm", platform: "neutral", target: "es2022",
      outfile: `bench/.build/${name}.mjs`, logLevel: "error", nodePaths: ["bench/peers/node_modules"],
      mainFields: ["module", "main"], conditions: ["workerd", "worker", "import"],
    });
  }
}

/** Miniflare options: the bundle, its payload KV and settings. */
export function growthbookOptions(origin) {
  return {
    scriptPath: "bench/.build/growthbook.mjs",
    kvNamespaces: ["KV_GB_PAYLOAD"],
    bindings: { PROXY_TARGET: origin, DISABLE_INJECTIONS: "true", RUN_VISUAL_EDITOR_EXPERIMENTS: "everywhere" },
  };
}
