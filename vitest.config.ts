import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'shared/**/*.test.ts', 'functions/**/*.test.ts', 'infra/**/*.test.ts'],
    setupFiles: ['test/setup/polyfills.ts'],
    pool: 'forks',
    // Vitest's default is one file at a time on 2 cores (cores - 1); most files wait on DynamoDB Local, Chromium or a
    // child process rather than compute, so two at a time shorten the run (the browser tests share web/dist: the
    // portal is built once, under a lock, infra/local/portal/build.ts)
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Handlers log JSON at INFO in AWS; in the suite only warnings and errors are worth reading
    env: { LOCAL_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'WARN' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
