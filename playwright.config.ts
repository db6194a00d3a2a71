import fs from "node:fs";
import { defineConfig } from "@playwright/test";

// Run through `npm test` (scripts/test.ts), which prepares the database, the build and E2E_PORT.
const port = Number(process.env.E2E_PORT ?? 3100);
const chromium = "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: fs.existsSync(chromium) ? chromium : undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: `node --conditions=react-server --import tsx scripts/dev.ts start`,
    url: `http://127.0.0.1:${port}/login`,
    env: { PORT: String(port), NEXTAUTH_URL: `http://127.0.0.1:${port}` },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
