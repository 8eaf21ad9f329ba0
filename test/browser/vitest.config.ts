import {defineConfig} from "vitest/config";

// Browser tests: the built site (dist/) in headless Debian Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // expect.poll waits for a page's state (a status, a redraw); vitest's default of 1 s is shorter
    // than a page takes to load on a loaded 2-core CI machine. A poll still fails if the state never comes.
    expect: {poll: {timeout: 15_000}},
    env: {TZ: "UTC"},
  },
});
