// Applies prisma/migrations/*/migration.sql in name order, each once, each in its own transaction.
// An advisory lock makes concurrent starts (several instances behind a load balancer) apply them once.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const LOCK_KEY = 727_001;

export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (m: string) => void } = {},
): Promise<string[]> {
  const dir = options.dir ?? path.resolve("prisma/migrations");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("select pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`create table if not exists "_migrations" (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const done = new Map<string, string>(
      (
        await client.query<{ name: string; checksum: string }>(`select name, checksum from "_migrations"`)
      ).rows.map((r) => [r.name, r.checksum]),
    );
    const names = fs
      .readdirSync(dir)
      .filter((n) => fs.existsSync(path.join(dir, n, "migration.sql")))
      .sort();
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = crypto.createHash("sha256").update(sql).digest("hex");
      const seen = done.get(name);
      if (seen !== undefined) {
        if (seen !== checksum)
          throw new Error(`Migration ${name} was changed after it was applied: add a new migration instead.`);
        continue;
      }
      await client.query("begin");
      try {
        await client.query(sql);
        await client.query(`insert into "_migrations"(name, checksum) values ($1, $2)`, [name, checksum]);
        await client.query("commit");
      } catch (error) {
        await client.query("rollback");
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
      }
      options.log?.(`applied migration ${name}`);
      applied.push(name);
    }
  } finally {
    await client.query("select pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}

/** A new, migrated database on the server of `serverUrl`; returns its URL. For benchmarks and tests. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  await migrate(url);
  return url;
}
