// `npm run bench:sync -- --users 100000` (or --users 10000,100000): measures the sync engine against a real
// slapd loaded with generated users, on a fresh database. Prints wall times, peak memory and the ratios the
// sync issue sets as targets. Not a test: it asserts nothing, it reports.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort, startEmbeddedDb } from "./lib/embedded-db.ts";
import { freshDatabase } from "./lib/migrate.ts";
import { startSlapd, type LdapUser } from "../test/ldap/slapd.ts";

const { values } = parseArgs({ options: { users: { type: "string", default: "100000" } } });
const sizes = values.users
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);

process.env.ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("base64");
const port = await freePort();
const pgServer = await startEmbeddedDb({ dir: ".data/bench-pg", port, database: "postgres", quiet: true });

type Row = {
  users: number;
  ldapsearch: number;
  copy: number;
  floor: number;
  first: number;
  unchanged: number;
  unchangedWarm: number;
  onePercent: number;
  incremental: number;
  peakMb: number;
};
const rows: Row[] = [];

function seconds(start: bigint) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

type ChildResult = {
  seconds: number;
  warmSeconds?: number;
  peakMb: number;
  status: string;
  kind: string;
  counts: Record<string, number>;
  timing?: unknown;
  cpu?: { postgres: number; slapd: number; node: number };
};

/** CPU seconds used so far by the processes of a name (postgres, slapd): where a sync's time goes. */
function cpuSeconds(name: string): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes(`(${name})`)) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Its own time and that of its children that ended (PostgreSQL's backends, once their client left).
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / tick;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Each sync runs in its own process, so that its peak memory is the sync's own, not the benchmark's. */
function syncInChild(connectionId: string, mode: "full" | "full-twice" | "incremental"): ChildResult {
  const before = { postgres: cpuSeconds("postgres"), slapd: cpuSeconds("slapd") };
  const out = execFileSync(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir=.data/profiles"] : []),
      "--conditions=react-server",
      "--import",
      "tsx",
      "scripts/bench-sync-child.ts",
      connectionId,
      mode,
    ],
    { env: process.env, maxBuffer: 1 << 24 },
  );
  const result = JSON.parse(out.toString().trim().split("\n").pop()!) as ChildResult;
  result.cpu = {
    postgres: cpuSeconds("postgres") - before.postgres,
    slapd: cpuSeconds("slapd") - before.slapd,
    node: result.cpu?.node ?? 0,
  };
  return result;
}

for (const n of sizes) {
  const url = await freshDatabase(pgServer.url, `bench_${n}_${Date.now().toString(36)}`);
  process.env.DATABASE_URL = url;

  console.error(`[bench] loading ${n} users into slapd…`);
  const users: LdapUser[] = Array.from({ length: n }, (_, i) => ({
    uid: `user${i}`,
    cn: `User Number ${i}`,
    mail: `user${i}@bench.example`,
    employeeType: "staff",
  }));
  const slapd = await startSlapd({ users });
  const filter = "(objectClass=inetOrgPerson)";
  const attrs = ["uid", "mail", "cn", "employeeType", "entryUUID", "modifyTimestamp"];

  // (a) the floor: a paged ldapsearch of the same entries, and a \copy of as many user rows.
  // The median of three reads: a single one varies by a fifth on a busy two-core machine.
  const reads: number[] = [];
  let start = process.hrtime.bigint();
  for (let i = 0; i < 3; i++) {
    start = process.hrtime.bigint();
    execFileSync(
      "ldapsearch",
      [
        "-x",
        "-LLL",
        "-H",
        slapd.url,
        "-D",
        slapd.managerDn,
        "-w",
        slapd.managerPassword,
        "-b",
        `ou=people,${slapd.baseDn}`,
        "-E",
        "pr=1000/noprompt",
        filter,
        ...attrs,
      ],
      { maxBuffer: 1 << 30, stdio: ["ignore", "ignore", "pipe"] },
    );
    reads.push(seconds(start));
  }
  const ldapsearch = reads.sort((x, y) => x - y)[1];
  const csv = path.resolve(".data", `bench-${n}.csv`);
  fs.writeFileSync(
    csv,
    users.map((u) => `${crypto.randomUUID()},${u.mail},${u.cn},${u.uid},DIRECTORY,ACTIVE`).join("\n"),
  );
  // Each statement its own -c: psql sends one -c as one transaction, and VACUUM refuses to run inside one.
  const psql = (...sql: string[]) =>
    spawnSync("psql", [url, "-q", ...sql.flatMap((s) => ["-c", s])], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  psql(
    `create table bench_copy (id uuid, email text, name text, "accountName" text, source text, status text)`,
  );
  start = process.hrtime.bigint();
  psql(`\\copy bench_copy from '${csv}' with (format csv)`);
  const copy = seconds(start);
  fs.rmSync(csv);

  const { encryptSecret } = await import("@/lib/crypto");
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  const planId = crypto.randomUUID();
  const orgId = crypto.randomUUID();
  const connectionId = crypto.randomUUID();
  await setup.query(
    `insert into "Plan"(id, name, "storageQuotaBytes", "isDefault") values ($1, 'bench', 1, true)`,
    [planId],
  );
  await setup.query(
    `insert into "Organization"(id, slug, name, "defaultPlanId") values ($1, $2, 'Bench', $3)`,
    [orgId, `bench-${n}`, planId],
  );
  await setup.query(
    `insert into "LdapConnection"(id, "organizationId", name, "serverUrl", "serverTimeout", "managerDn",
       "managerPasswordEnc", "baseDn", "syncFilter", "authFilter", domain, "accountNameField", "emailField",
       "userPrincipalNameField", "fullNameField", "statusField", "statusDisabled", "disableThresholdPercent",
       "disableThresholdCount", "updatedAt")
     values ($1, $2, 'bench', $3, 60000, $4, $5, $6, $7, '(uid={0})', 'bench.example', 'uid', 'mail', 'mail',
       'cn', 'employeeType', 'disabled', 100, 10000000, now())`,
    [
      connectionId,
      orgId,
      slapd.url,
      slapd.managerDn,
      encryptSecret(slapd.managerPassword),
      `ou=people,${slapd.baseDn}`,
      filter,
    ],
  );
  // The connection speaks only for its organisation's verified domains: unverified, every entry is skipped and
  // nothing is written.
  await setup.query(
    `insert into "Domain"(id, "organizationId", name, "verifiedAt", "verificationMethod")
     values (gen_random_uuid(), $1, 'bench.example', now(), 'APPROVED') on conflict do nothing`,
    [orgId],
  );
  // The database's own floor for a first sync: the same number of accounts and memberships inserted in two
  // plain statements, no directory and no sync (rolled back, so the sync starts on an empty table).
  start = process.hrtime.bigint();
  await setup.query("begin");
  await setup.query(
    `insert into "User" (id, email, name, "accountName", dn, source, status, "connectionId", "directoryId",
       "directoryHash", "directoryMark", "lastSyncedAt", "updatedAt")
     select gen_random_uuid(), 'floor' || g || '@bench.example', 'User Number ' || g, 'floor' || g,
       'uid=floor' || g || ',ou=people', 'DIRECTORY', 'ACTIVE', $1::uuid, g::text, md5(g::text), md5(g::text),
       now(), now()
     from generate_series(1, $2::int) g`,
    [connectionId, n],
  );
  await setup.query(
    `insert into "Membership" (id, "userId", "organizationId", roles, "planId") select ` +
      `gen_random_uuid(), id, $1::uuid, array['ORIGINATOR']::"Role"[], $2::uuid from "User" where ` +
      `"connectionId" = $3::uuid`,
    [orgId, planId, connectionId],
  );
  await setup.query("rollback");
  const floor = seconds(start);
  await setup.end();
  const connection = { id: connectionId };

  // Between runs the database settles (vacuum, analyze, checkpoint), so that a run is not measured while
  // autovacuum works through the previous run's 100,000 new rows on the same two cores.
  const settle = () => psql("vacuum analyze", "checkpoint");
  settle();
  const first = syncInChild(connection.id, "full");
  settle();
  const unchanged = syncInChild(connection.id, "full-twice");

  const modify = (count: number, tag: string) => {
    const step = Math.max(1, Math.floor(n / count));
    const ldif = Array.from(
      { length: count },
      (_, i) =>
        `dn: ${slapd.userDn(`user${i * step}`)}\nchangetype: modify\nreplace: cn\ncn: Changed ${tag} ${i}\n`,
    ).join("\n");
    execFileSync("ldapmodify", ["-x", "-H", slapd.url, "-D", slapd.managerDn, "-w", slapd.managerPassword], {
      input: ldif,
      stdio: ["pipe", "ignore", "pipe"],
      maxBuffer: 1 << 28,
    });
  };
  modify(Math.ceil(n / 100), "a");
  settle();
  const onePercent = syncInChild(connection.id, "full");
  await new Promise((r) => setTimeout(r, 1100));
  modify(100, "b");
  settle();
  const incremental = syncInChild(connection.id, "incremental");

  for (const [label, r] of [
    ["first", first],
    ["unchanged", unchanged],
    ["1%", onePercent],
    ["incremental", incremental],
  ] as const) {
    const c = r.counts;
    console.error(
      `[bench] ${n} ${label}: ${r.status} ${r.kind} read ${c.entriesRead} created ${c.created} ` +
        `updated ${c.updated} unchanged ${c.unchanged} in ${r.seconds.toFixed(2)} s, peak ` +
        `${r.peakMb.toFixed(0)} MB; CPU s: sync ${r.cpu!.node.toFixed(2)}, postgres ` +
        `${r.cpu!.postgres.toFixed(2)}, slapd ${r.cpu!.slapd.toFixed(2)}`,
    );
    if (r.timing) console.error(r.timing);
  }
  rows.push({
    users: n,
    ldapsearch,
    copy,
    floor,
    first: first.seconds,
    unchanged: unchanged.seconds,
    unchangedWarm: unchanged.warmSeconds ?? unchanged.seconds,
    onePercent: onePercent.seconds,
    incremental: incremental.seconds,
    peakMb: Math.max(first.peakMb, unchanged.peakMb, onePercent.peakMb, incremental.peakMb),
  });
  await slapd.stop();
}

const f = (x: number) => x.toFixed(2);
console.log(
  "\nusers     ldapsearch  \\copy   baseline(a)  first(b)  b/a    unchanged(c)  c/ldapsearch  (c) " +
    "warm  /ldapsearch  1%(d)   d/ldapsearch  incremental(e)  peak RSS",
);
for (const r of rows) {
  const a = r.ldapsearch + r.copy;
  console.log(
    `${String(r.users).padEnd(9)} ${f(r.ldapsearch).padStart(9)}s ${f(r.copy).padStart(6)}s ` +
      `${f(a).padStart(10)}s ${f(r.first).padStart(8)}s ${f(r.first / a).padStart(5)} ` +
      `${f(r.unchanged).padStart(11)}s ${f(r.unchanged / r.ldapsearch).padStart(12)} ` +
      `${f(r.unchangedWarm).padStart(8)}s ${f(r.unchangedWarm / r.ldapsearch).padStart(11)} ` +
      `${f(r.onePercent).padStart(6)}s ${f(r.onePercent / r.ldapsearch).padStart(12)} ` +
      `${f(r.incremental).padStart(13)}s ${r.peakMb.toFixed(0).padStart(6)} MB`,
  );
}
console.log(
  "\nusers     accounts + memberships inserted by SQL alone (the database's floor for (b))  floor/a",
);
for (const r of rows)
  console.log(
    `${String(r.users).padEnd(9)} ${f(r.floor).padStart(8)}s ` +
      `${f(r.floor / (r.ldapsearch + r.copy)).padStart(62)}`,
  );
if (rows.length > 1) {
  const [small, large] = [rows[0], rows[rows.length - 1]];
  const scale = large.users / small.users;
  console.log(
    `\ngrowth ${small.users} → ${large.users} (×${scale}): first ×${f(large.first / small.first)}, ` +
      `unchanged ×${f(large.unchanged / small.unchanged)}, 1% ` +
      `×${f(large.onePercent / small.onePercent)} (linear would be ×${scale})`,
  );
}
console.log("targets at 100,000: b/a ≤ 2.0, c/ldapsearch ≤ 1.3, e < 1 s, peak ≤ 500 MB, linear growth");
await pgServer.stop();
process.exit(0);
