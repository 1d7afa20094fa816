import { defineConfig } from "vitest/config";

// Real-browser tests: Chromium against `wrangler dev` serving the demo shop with the demo rules.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/browser/local-edge.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
