import { defineConfig } from 'vitest/config';

// The lockfile pins an AWS SDK that runs on Node 20; its notice that later releases need
// Node 22 is said once in the README, not in every test process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers than that only makes the emulators slower.
    maxWorkers: 2,
  },
});
