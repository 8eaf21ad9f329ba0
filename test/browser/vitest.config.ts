import {defineConfig} from "vitest/config";

// Browser tests: the built site (dist/) in headless Debian Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    env: {TZ: "UTC"},
  },
});
