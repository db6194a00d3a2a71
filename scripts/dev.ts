// `npm run dev` and `npm start`: database (embedded unless DATABASE_URL), migrations, built-in administrator,
// demo data (dev), then Next.js. Ctrl-C stops everything it started.
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureDevSecrets } from "./lib/secrets.ts";
import { prepareDatabase } from "./lib/database.ts";

const mode = process.argv[2] === "start" ? "start" : "dev";
const log = (m: string) => console.log(`[console] ${m}`);

ensureDevSecrets();
const database = await prepareDatabase(log);
process.env.NEXTAUTH_URL ??= `http://localhost:${process.env.PORT ?? 3000}`;

const { ensureBuiltinAdmin } = await import("@/lib/bootstrap/builtin-admin");
const admin = await ensureBuiltinAdmin();
const lines: string[] = [];
if (!admin.enabled) lines.push("Built-in administrator: turned off (ADMIN_ENABLED=false).");
else if (admin.generatedPassword)
  lines.push(
    `Built-in administrator: ${admin.email} / ${admin.generatedPassword}   (generated now, shown ` +
      "once; set ADMIN_PASSWORD to choose it)",
  );
else
  lines.push(
    `Built-in administrator: ${admin.email} (password from ADMIN_PASSWORD, or the one printed at ` +
      "first start)",
  );

let demoDirectory: { url: string; stop: () => Promise<void> } | undefined;
if (mode === "dev" || process.env.SEED_DEMO === "true") {
  const { seedDemo, ensureDemoConnection, ensureDemoDomain, DEMO_ACCOUNTS, DEMO_DOMAIN } =
    await import("@/lib/bootstrap/demo");
  const seeded = await seedDemo();
  if (seeded) log("demo data created: organisation Acme (acme), plans Standard and Large");
  if (await ensureDemoDomain()) log(`demo domain ${DEMO_DOMAIN} verified (approved) for Acme`);
  for (const a of DEMO_ACCOUNTS) lines.push(`${a.label.padEnd(36)} ${a.email} / ${a.password}`);
  if (process.env.DEMO_DIRECTORY !== "false") {
    const demo = await import("./lib/demo-directory.ts");
    const port = Number(process.env.DEMO_LDAP_PORT ?? 1389);
    try {
      demoDirectory = await demo.startDemoDirectory(port);
      const created = await ensureDemoConnection({
        url: demoDirectory.url,
        baseDn: demo.DEMO_BASE_DN,
        managerDn: demo.DEMO_MANAGER_DN,
        managerPassword: demo.DEMO_MANAGER_PASSWORD,
      });
      if (created) log("demo LDAP connection created for Acme");
      lines.push(
        `demo directory                       ${demoDirectory.url}  ${demo.DEMO_MANAGER_DN} / ` +
          `${demo.DEMO_MANAGER_PASSWORD} (users: password ${demo.DEMO_USER_PASSWORD})`,
      );
      lines.push(
        "directory user (after a sync or at first sign-in)  ACME\\ada.adams or " +
          `ada.adams@acme.example / ${demo.DEMO_USER_PASSWORD}`,
      );
      const { seedDemoFiles } = await import("@/lib/bootstrap/demo");
      const files = await seedDemoFiles();
      if (files)
        log(`demo files created: ${files}, owned by directory users (ada.adams, ben.hansen) and alice`);
      lines.push(
        `ownership-transfer flow: npm run cli -- demo-directory disable ada.adams, then Sync now on ` +
          `LDAP Connections`,
      );
    } catch (error) {
      log(`demo directory not started on port ${port}: ${(error as Error).message}`);
    }
  }
}
const { db } = await import("@/lib/db");
await db.$disconnect();

const port = process.env.PORT ?? "3000";
console.log(
  `\n  Directory Console: http://localhost:${port}\n\n  Sign in ` +
    `with:\n${lines.map((l) => `    ${l}`).join("\n")}\n`,
);

// The preload gives the console each request's TCP peer address (lib/auth/client-address.ts). Through
// NODE_OPTIONS, because `next dev` runs the server in a child process of its own.
const preload = pathToFileURL(path.resolve("scripts/lib/client-address-preload.mjs")).href;
const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", mode, "-p", port], {
  stdio: "inherit",
  env: {
    NEXT_TELEMETRY_DISABLED: "1",
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(" "),
  },
});
// The scheduler: every minute it calls the cron route, the same code an external cron calls.
// SYNC_SCHEDULER=false turns it off for deployments that use their own cron (vercel.json declares one).
let scheduler: NodeJS.Timeout | undefined;
if (process.env.SYNC_SCHEDULER !== "false") {
  const tick = async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/cron/sync`, {
        headers: { authorization: `Bearer ${process.env.CRON_SECRET}` },
      });
      if (!response.ok) log(`scheduled sync: HTTP ${response.status}`);
      else {
        const summary = (await response.json()) as { ran: { name: string; status: string }[] };
        for (const r of summary.ran) log(`scheduled sync of ${r.name}: ${r.status.toLowerCase()}`);
      }
    } catch {
      // The server is still starting, or restarting: the next tick tries again.
    }
  };
  setTimeout(() => void tick(), 15_000);
  scheduler = setInterval(() => void tick(), 60_000);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (scheduler) clearInterval(scheduler);
  next.kill("SIGTERM");
  await demoDirectory?.stop().catch(() => {});
  await database.stop().catch(() => {});
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
