import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Every test runs inside workerd with the real Durable Objects, KV and alarms of wrangler.toml.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          // Tests change KV between requests; the isolate must look every time.
          RULES_REFRESH_MS: "0",
          ADMIN_TOKEN: "test-admin-token",
          IDENTIFY_SECRET: "test-identify-secret",
        },
      },
    }),
  ],
  test: {
    include: ["test/core/**/*.test.ts", "test/worker/**/*.test.ts"],
    globalSetup: ["test/support/origin-server.ts"],
  },
});
