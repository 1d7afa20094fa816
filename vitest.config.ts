import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// The audience index's schema, applied to the test D1 database before the tests run.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    projects: [
      {
        // Worker and pure-core tests run inside workerd with the real Durable Objects, KV and
        // alarms of wrangler.toml.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                // Tests change KV between requests; the isolate must look every time.
                RULES_REFRESH_MS: "0",
                ADMIN_TOKEN: "test-admin-token",
                IDENTIFY_SECRET: "test-identify-secret",
                SERVER_TOKEN: "test-server-token",
                TEST_MIGRATIONS: migrations,
                // Deliveries retry after ~1 s and give up after 4 s here (30 s and 24 h by default).
                DELIVERY_RETRY_BASE_MS: "200",
                DELIVERY_GIVE_UP_MS: "4000",
                CRM_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                LINE_CHANNEL_TOKEN: "test-line-channel-token",
                // Four result shards keep each test's Durable Objects few (16 by default).
                STATS_SHARDS: "4",
              },
              // The suite sends thousands of requests from one "visitor" and one address; the
              // real limits are in wrangler.toml. TIGHT_LIMIT lets the rate-limit tests reach 429.
              ratelimits: {
                VISITOR_LIMIT: { simple: { limit: 100_000, period: 60 } },
                ADDRESS_LIMIT: { simple: { limit: 100_000, period: 60 } },
                DESTINATION_LIMIT: { simple: { limit: 100_000, period: 60 } },
                TIGHT_LIMIT: { simple: { limit: 3, period: 60 } },
              },
            },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/core/**/*.test.ts", "test/worker/**/*.test.ts"],
          globalSetup: ["test/support/origin-server.ts"],
          setupFiles: ["test/support/apply-migrations.ts"],
        },
      },
      {
        // Pure checks that need Node: the JSON Schema with ajv, validator fuzzing.
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node" },
      },
      {
        // The SDK against a DOM (happy-dom) and an in-memory IndexedDB (fake-indexeddb).
        test: {
          name: "sdk",
          include: ["test/sdk/**/*.test.ts"],
          environment: "happy-dom",
          setupFiles: ["fake-indexeddb/auto"],
        },
      },
    ],
  },
});
