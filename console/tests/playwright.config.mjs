// Playwright drives Debian's chromium (no browser download); console/run starts Coffer and sets
// COFFER_CONSOLE_URL and the users' credentials.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: '/usr/bin/chromium' },
    // Coffer's private CA is not the browser's; TLS is still on, and cookies stay Secure.
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
  },
});
