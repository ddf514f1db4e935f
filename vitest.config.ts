import path from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

// Two projects. `unit` runs src/ in the test process and nothing else: fast, and always today's code. `e2e`
// runs what a user runs — the compiled CLI, the batch worker pool (src/batch/pool.ts loads
// dist/batch/worker-entry.js even when the test imports src/), Redis, Chromium — and its global setup compiles
// dist/ from src/ first, so it never tests yesterday's build. `npm test` runs both; `npm run test:unit` only the
// first.

/** Test files that spawn the CLI or use the worker pool (so they run dist/), or need Redis or Chromium. */
const e2e = [
  'test/batch.test.ts',
  'test/build.test.ts',
  'test/cli.test.ts',
  'test/install.test.ts',
  'test/makeup.test.ts',
  'test/preview.e2e.test.ts',
  'test/queue.test.ts',
  'test/reliability.test.ts',
  'test/tables-build.test.ts',
];

const dist = path.resolve(import.meta.dirname, 'dist') + path.sep;

/** Unit tests load no module from dist/: compiled code may be older than src/. */
const noDist: Plugin = {
  name: 'unit-tests-load-no-dist',
  load(id) {
    if (id.startsWith(dist))
      throw new Error(`a unit test loaded ${id}: unit tests import src/; put the test in the e2e project`);
  },
};

// The default `forks` pool is deliberate: `threads` with canvas segfaults at exit.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        plugins: [noDist],
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: e2e,
          setupFiles: ['test/setup/unit-guard.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: e2e, globalSetup: ['test/setup/build-dist.ts'] },
      },
    ],
  },
});
