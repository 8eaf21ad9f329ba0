import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {TZ: "UTC"},
  },
});
