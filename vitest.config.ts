import { defineConfig } from 'vitest/config';

// The default `forks` pool is deliberate: `threads` with canvas segfaults at exit.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
