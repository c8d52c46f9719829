// Playwright settings for storyweave's browser tests. Playwright's own browser builds are not
// used: the tests drive Debian's chromium (apt-get install chromium), found at
// STORYWEAVE_CHROMIUM or /usr/bin/chromium.
'use strict';
const { defineConfig } = require('@playwright/test');
const { chromiumPath } = require('./lib/server');

module.exports = defineConfig({
  testDir: './specs',
  outputDir: './artifacts/test-results',
  // One server, one browser, one story: the steps share them and run in order.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    // axe-core is injected as an inline script, which the page's own policy rightly refuses.
    bypassCSP: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      // Headless and offline: no sandbox (CI runs as root), no GPU, and none of Chromium's
      // own network traffic (updates, sync, field trials) that cannot reach out from here.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
