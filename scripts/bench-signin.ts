// `npm run bench:signin [-- --users 100000]`: sign-in latency of directory users against slapd, at 1 and at
// 20 concurrent sign-ins (p50, p95), beside the same search-and-bind done by ldapsearch + ldapwhoami.
// Reports; asserts nothing.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { freePort, startEmbeddedDb } from "./lib/embedded-db.ts";
import { freshDatabase } from "./lib/migrate.ts";
import { startSlapd, type LdapUser } from "../test/ldap/slapd.ts";

const { values } = parseArgs({
  options: { users: { type: "string", default: "100000" }, samples: { type: "string", default: "400" } },
});
const n = Number(values.users);
const samples = Number(values.samples);

process.env.ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("base64");
process.env.SIGNIN_MAX_FAILURES_PER_ADDRESS = "1000000";
const pgServer = await startEmbeddedDb({
  dir: ".data/bench-pg",
  port: await freePort(),
  database: "postgres",
  quiet: true,
});
process.env.DATABASE_URL = await freshDatabase(pgServer.url, `bench_signin_${Date.now().toString(36)}`);

// Salted SHA-1 ({SSHA}) passwords, as a real directory stores them.
const ssha = (password: string) => {
  const salt = crypto.randomBytes(8);
  const digest = crypto.createHash("sha1").update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
};
console.error(`[bench] loading ${n} users into slapd…`);
const hashed = ssha("Bench-password-1");
const users: LdapUser[] = Array.from({ length: n }, (_, i) => ({
  uid: `user${i}`,
  cn: `User ${i}`,
  mail: `user${i}@bench.example`,
  password: hashed,
}));
const slapd = await startSlapd({ users });

const { db } = await import("@/lib/db");
const { encryptSecret } = await import("@/lib/crypto");
const { syncConnection } = await import("@/lib/sync/engine");
const { authenticate } = await import("@/lib/auth/sign-in");
const plan = await db.plan.create({ data: { name: "bench", storageQuotaBytes: 1n, isDefault: true } });
const org = await db.organization.create({ data: { slug: "bench", name: "Bench", defaultPlanId: plan.id } });
const connection = await db.ldapConnection.create({
  data: {
    organizationId: org.id,
    name: "bench",
    serverUrl: slapd.url,
    serverTimeout: 10_000,
    managerDn: slapd.managerDn,
    managerPasswordEnc: encryptSecret(slapd.managerPassword),
    baseDn: `ou=people,${slapd.baseDn}`,
    syncFilter: "(objectClass=inetOrgPerson)",
    authFilter: "(|(mail={0})(uid={0}))",
    domain: "bench.example",
    accountNameField: "uid",
    emailField: "mail",
    userPrincipalNameField: "mail",
    fullNameField: "cn",
    statusField: "employeeType",
    statusDisabled: "disabled",
  },
});
console.error("[bench] synchronising the accounts first…");
await syncConnection(connection.id, { trigger: "CLI", full: true });

const pick = () => `user${Math.floor(Math.random() * n)}@bench.example`;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function measure(concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let left = samples;
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (left-- > 0) {
        const start = performance.now();
        const id = await authenticate(pick(), "Bench-password-1", `10.0.${w}.1`);
        times.push(performance.now() - start);
        if (!id) failures++;
      }
    }),
  );
  if (failures) console.error(`[bench] ${failures} sign-ins failed`);
  return times;
}

await measure(5); // warm-up: the manager's search connection, the JIT, the pools
const one = await measure(1);
const twenty = await measure(20);

const cli: number[] = [];
for (let i = 0; i < 50; i++) {
  const mail = pick();
  const start = performance.now();
  const out = execFileSync("ldapsearch", [
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
    `(|(mail=${mail})(uid=${mail}))`,
    "dn",
  ]).toString();
  const dn = /^dn: (.+)$/m.exec(out)![1];
  execFileSync("ldapwhoami", ["-x", "-H", slapd.url, "-D", dn, "-w", "Bench-password-1"], {
    stdio: "ignore",
  });
  cli.push(performance.now() - start);
}

const f = (x: number) => `${x.toFixed(1)} ms`;
console.log(`\nsign-in of a directory user, ${n} users in slapd, ${samples} sign-ins per row`);
console.log(`concurrency 1:   p50 ${f(quantile(one, 0.5))}   p95 ${f(quantile(one, 0.95))}`);
console.log(`concurrency 20:  p50 ${f(quantile(twenty, 0.5))}   p95 ${f(quantile(twenty, 0.95))}`);
console.log(
  `ldapsearch + ldapwhoami (processes, sequential): p50 ${f(quantile(cli, 0.5))}   p95 ` +
    `${f(quantile(cli, 0.95))}`,
);
console.log("target: p95 ≤ 100 ms at 20 concurrent sign-ins");
await slapd.stop();
await pgServer.stop();
process.exit(0);
