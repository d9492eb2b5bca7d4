import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'shared/**/*.test.ts', 'functions/**/*.test.ts', 'infra/**/*.test.ts'],
    setupFiles: ['test/setup/polyfills.ts'],
    pool: 'forks',
    // Handlers log JSON at INFO in AWS; in the suite only warnings and errors are worth reading
    env: { LOCAL_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'WARN' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
