// `npm run bench:users [-- --users 100000] [-- --no-build]`: the users page of an organisation of N people on
// the production build (`next build`, then `next start`), signed in as its administrator: p50/p95 of page 1,
// a search, and page 3,000 reached by its key, beside the sign-in page (Next's own cost of a page) as a floor.
// Reports; asserts nothing.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { hash } from "@node-rs/argon2";
import { freePort, startEmbeddedDb } from "./lib/embedded-db.ts";
import { freshDatabase } from "./lib/migrate.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "100000" },
    samples: { type: "string", default: "60" },
    "no-build": { type: "boolean", default: false },
  },
});
const n = Number(values.users);
const samples = Number(values.samples);
const log = (m: string) => console.error(`[bench] ${m}`);

const pgServer = await startEmbeddedDb({
  dir: ".data/bench-pg",
  port: await freePort(),
  database: "postgres",
  quiet: true,
});
const databaseUrl = await freshDatabase(pgServer.url, `bench_users_${Date.now().toString(36)}`);
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();

const FIRST =
  "Ada Alan Grace Edsger Barbara Donald Frances Ken Margaret Dennis Radia Tim Hedy John Katherine Linus Sophie Guido Anita Niklaus Shafi Leslie Mary Claude Jean Ivan Karen Bjarne Lynn Yukihiro Adele Fran Butler Joan Whitfield Ida Carl Ruth Jim Evelyn".split(
    " ",
  );
const LAST =
  "Lovelace Turing Hopper Dijkstra Liskov Knuth Allen Thompson Hamilton Ritchie Perlman Berners-Lee Lamarr McCarthy Johnson Torvalds Wilson Rossum Borg Wirth Goldwasser Lamport Jackson Shannon Bartik Sutherland Jones Stroustrup Conway Matsumoto Goldberg Fran Lampson Clarke Diffie Lovelace Gauss Teitelbaum Gray Boyd Noether Curie Bell Moore Kay Hoare Floyd Backus Naur Kahn".split(
    " ",
  );

const ADMIN = { email: "admin@bench-users.example", password: "Bench-users-admin-1" };
log(`loading ${n.toLocaleString("en")} members…`);
const t0 = performance.now();
await load();
log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
  NEXT_TELEMETRY_DISABLED: "1",
  NEXT_DIST_DIR: ".next-bench",
  SYNC_SCHEDULER: "false",
  ADMIN_ENABLED: "false",
};
if (!values["no-build"]) {
  log("building the console (next build)…");
  const built = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    env,
    stdio: "inherit",
  });
  if (built.status !== 0) throw new Error("next build failed");
}
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
  env: { ...env, NEXTAUTH_URL: base, HOSTNAME: "127.0.0.1" },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  await waitFor(`${base}/login`);
  const cookie = await signIn();
  const deep = await db.query<{ email: string }>(
    `select u.email from "Membership" m join "User" u on u.id = m."userId"
     join "Organization" o on o.id = m."organizationId" where o.slug = 'bench'
     order by u.email offset $1 limit 1`,
    [2999 * 25 - 1],
  );
  const pages: [string, string][] = [
    ["page 1", "/org/bench/users"],
    ["search", "/org/bench/users?q=lovelace"],
    ["search, no match", "/org/bench/users?q=zzqx"],
    [
      "page 3,000 (by key)",
      `/org/bench/users?page=3000&after=${encodeURIComponent(deep.rows[0]?.email ?? "")}`,
    ],
  ];
  console.log(`users page at ${n.toLocaleString("en")} members (production build, ${samples} samples each)`);
  for (const [label, path] of pages) {
    const times = await measure(`${base}${path}`, cookie);
    console.log(`${label.padEnd(22)} p50 ${ms(times, 0.5)}  p95 ${ms(times, 0.95)}`);
  }
  // The floor: the database's share of page 1, the same two statements the page runs, straight through pg.
  const floor = await measureSql(deep.rows[0]?.email ?? "");
  console.log(`${"floor: page 1 in SQL".padEnd(22)} p50 ${ms(floor, 0.5)}  p95 ${ms(floor, 0.95)}`);
} finally {
  server.kill("SIGTERM");
  await db.end();
  await pgServer.stop();
}

/**
 * One organisation of n people (plus another of n / 10 on the same platform): names from a list, account
 * names, sources and statuses mixed as a real directory's are, written set-based.
 */
async function load() {
  const passwordHash = await hash(ADMIN.password);
  const plan = await db.query<{ id: string }>(`select id from "Plan" where "isDefault" limit 1`);
  const planId =
    plan.rows[0]?.id ??
    (
      await db.query<{ id: string }>(
        `insert into "Plan" (id, name, "storageQuotaBytes", "isDefault", "createdAt")
         values (gen_random_uuid(), 'Standard', 10737418240, true, now()) returning id`,
      )
    ).rows[0].id;
  for (const [slug, size] of [
    ["bench", n],
    ["other", Math.ceil(n / 10)],
  ] as const) {
    const org = await db.query<{ id: string }>(
      `insert into "Organization" (id, name, slug, "defaultPlanId", "createdAt")
       values (gen_random_uuid(), $1, $1, $2, now()) returning id`,
      [slug, planId],
    );
    await db.query(
      `with first(v) as (select unnest($3::text[])), last(v) as (select unnest($4::text[])),
       people as (
         insert into "User" (id, email, name, "accountName", source, status, "createdAt", "updatedAt")
         select gen_random_uuid(), 'user' || i || '@' || $2 || '.example',
           (array(select v from first))[1 + i % 40] || ' ' || (array(select v from last))[1 + (i / 40) % 50],
           'user' || i,
           (case when i % 10 = 0 then 'LOCAL' else 'DIRECTORY' end)::"UserSource",
           (case when i % 14 = 0 then 'DISABLED' else 'ACTIVE' end)::"UserStatus", now(), now()
         from generate_series(1, $5::int) i returning id)
       insert into "Membership" (id, "userId", "organizationId", roles, "planId", "createdAt")
       select gen_random_uuid(), id, $1::uuid, array['ORIGINATOR']::"Role"[], $6::uuid, now() from people`,
      [org.rows[0].id, slug, FIRST, LAST, size, planId],
    );
    if (slug === "bench")
      await db.query(
        `with a as (
           insert into "User" (id, email, name, source, status, "passwordHash", "createdAt", "updatedAt")
           values (gen_random_uuid(), $2, 'Bench Admin', 'LOCAL', 'ACTIVE', $3, now(), now()) returning id)
         insert into "Membership" (id, "userId", "organizationId", roles, "planId", "createdAt")
         select gen_random_uuid(), a.id, $1::uuid, array['ORG_ADMIN']::"Role"[], $4::uuid, now() from a`,
        [org.rows[0].id, ADMIN.email, passwordHash, planId],
      );
  }
  await db.query("vacuum analyze");
}

async function waitFor(url: string) {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer`);
}

/** Signs in through next-auth's own endpoints and returns the cookies to send. */
async function signIn(): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = cookiesOf(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, login: ADMIN.email, password: ADMIN.password, json: "true" }),
  });
  const cookie = `${jar}; ${cookiesOf(response)}`;
  if (!cookie.includes("session-token")) throw new Error(`sign-in failed (${response.status})`);
  return cookie;
}

function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function measure(url: string, cookie: string): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fetch(url, { headers: { cookie } }).then((r) => r.text());
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    const body = await response.text();
    times.push(performance.now() - t);
    if (!response.ok || (url.includes("/users") && !body.includes("Users")))
      throw new Error(`${url}: ${response.status}`);
  }
  return times;
}

async function measureSql(after: string): Promise<number[]> {
  const from = `from "Membership" m join "User" u on u.id = m."userId"
    where m."organizationId" = (select id from "Organization" where slug = 'bench')`;
  const times: number[] = [];
  for (let i = 0; i < samples + 5; i++) {
    const t = performance.now();
    await db.query(`select count(*) from (select 1 ${from} limit 10001) s`);
    await db.query(`select u.id ${from} and u.email > $1 order by u.email limit 26`, [i % 2 ? after : ""]);
    if (i >= 5) times.push(performance.now() - t);
  }
  return times;
}

function ms(times: number[], q: number): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(0).padStart(5)} ms`;
}
