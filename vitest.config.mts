import { defineConfig } from 'vitest/config';

// Four projects, all run by `npm test` (`npm run test:unit` runs unit and dom alone):
//  unit        plain functions, main-side handlers and the project's own rules
//  dom         React components (jsdom) under test/unit/renderer
//  integration real peers on loopback: openssl, TLS and HTTP servers, /bin/sh
//  e2e         Playwright driving Debian's Chromium against the preview server
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['./test/support/key-pool-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          include: ['test/unit/renderer/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['test/support/dom-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
