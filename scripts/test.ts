// `npm test`: unit and integration tests (vitest), then end-to-end tests (Playwright, Debian's Chromium)
// against a production build. Tests use their own databases: on DATABASE_URL's server when it is set (local
// servers only), otherwise on an embedded PostgreSQL under .data/test-pg. Demo data is never touched.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import pg from "pg";
import { freePort, startEmbeddedDb } from "./lib/embedded-db.ts";
import { migrate } from "./lib/migrate.ts";

const e2eOnly = process.argv.includes("--e2e-only");
const unitOnly = process.argv.includes("--unit-only");
// Anything else is handed on: file filters to vitest with --unit-only, to Playwright with --e2e-only.
const passOn = process.argv.slice(2).filter((a) => a !== "--unit-only" && a !== "--e2e-only");
const log = (m: string) => console.log(`[test] ${m}`);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function createDatabases(serverUrl: string, names: string[]) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  for (const name of names) await admin.query(`create database "${name}"`);
  await admin.end();
}

async function dropDatabases(serverUrl: string, names: string[]) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  for (const name of names)
    await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
  await admin.end();
}

let serverUrl: string;
let stopDb = async () => {};
if (process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  if (
    !["127.0.0.1", "localhost", "::1"].includes(url.hostname) &&
    process.env.ALLOW_REMOTE_TEST_DATABASE !== "true"
  ) {
    console.error(
      `Refusing to run tests against a non-local database (${url.hostname}); set ` +
        "ALLOW_REMOTE_TEST_DATABASE=true to override.",
    );
    process.exit(2);
  }
  url.pathname = "/postgres";
  serverUrl = url.toString();
  log(`using the PostgreSQL server of DATABASE_URL (${url.host})`);
} else {
  const port = await freePort();
  const embedded = await startEmbeddedDb({ dir: ".data/test-pg", port, database: "postgres", quiet: true });
  serverUrl = embedded.url;
  stopDb = embedded.stop;
  log(`embedded PostgreSQL on 127.0.0.1:${port}`);
}

const suffix = `${Date.now().toString(36)}_${crypto.randomBytes(3).toString("hex")}`;
const unitDb = `dc_test_unit_${suffix}`;
const e2eDb = `dc_test_e2e_${suffix}`;
const dbUrl = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
await createDatabases(serverUrl, [unitDb, e2eDb]);

const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
  CRON_SECRET: crypto.randomBytes(24).toString("base64url"),
};

let failed = false;
try {
  if (!e2eOnly) {
    await migrate(dbUrl(unitDb));
    log("unit and integration tests");
    const code = await run(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", ...(unitOnly ? passOn : [])],
      { ...baseEnv, DATABASE_URL: dbUrl(unitDb) },
    );
    failed ||= code !== 0;
  }
  if (!unitOnly) {
    await migrate(dbUrl(e2eDb));
    const env = {
      ...baseEnv,
      DATABASE_URL: dbUrl(e2eDb),
      NEXT_DIST_DIR: ".next-test",
      ADMIN_EMAIL: "builtin-admin@test.example",
      ADMIN_PASSWORD: "Builtin-admin-e2e-1",
      E2E_PORT: String(await freePort()),
      // The scheduler would sync every test's connections in the
      // background; the cron route is tested directly.
      SYNC_SCHEDULER: "false",
      FILES_DIR: `.data/test-files/${suffix}`,
      // The end-to-end tests that read e-mail listen on this
      // port (test/mail.ts); elsewhere sending fails fast.
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
      // Domain verification looks up TXT records here: e2e/domain-verification.spec.ts starts dnsmasq on it.
      DNS_SERVER: `127.0.0.1:${await freePort()}`,
    };
    log("building the console for the end-to-end tests");
    const built = await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], env);
    if (built !== 0) failed = true;
    else {
      log("end-to-end tests");
      const code = await run(
        process.execPath,
        ["node_modules/@playwright/test/cli.js", "test", ...(e2eOnly ? passOn : [])],
        env,
      );
      failed ||= code !== 0;
    }
  }
} finally {
  await dropDatabases(serverUrl, [unitDb, e2eDb]);
  await stopDb();
  await import("node:fs/promises").then((fs) =>
    fs.rm(`.data/test-files/${suffix}`, { recursive: true, force: true }),
  );
}
process.exit(failed ? 1 : 0);
