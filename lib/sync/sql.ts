import "server-only";
import pg from "pg";

// The sync's bulk statements (unnest of thousands of values) go straight through pg: Prisma's raw queries
// cost many times more per batch here. One small pool per process, kept on globalThis like the Prisma client.
const globalForPool = globalThis as unknown as { syncPool?: pg.Pool };

export function syncPool(): pg.Pool {
  if (!globalForPool.syncPool) {
    // Timestamps are stored as UTC without a zone, as Prisma stores them: statements write NOW_UTC, and a
    // timestamp read back is UTC, whatever the server's, the session's or this process's time zone.
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: 8,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === pg.types.builtins.TIMESTAMP
            ? (v: string) => new Date(`${v.replace(" ", "T")}Z`)
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server closed (a restart, a failover) must not take the process down with it.
    pool.on("error", (error) => console.error("database connection lost (sync pool)", error.message));
    globalForPool.syncPool = pool;
  }
  return globalForPool.syncPool;
}

/**
 * The current time as the zone-less UTC timestamp the schema stores (now() alone follows the session's zone).
 */
export const NOW_UTC = `(now() at time zone 'utc')`;

export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  return (await syncPool().query<T>(text, values)).rows;
}

export type Tx = {
  query: <T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<T[]>;
};

/** Runs `fn` in one transaction on one pool client: every statement of it lands, or none does. */
export async function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await syncPool().connect();
  const tx: Tx = { query: async (text, values = []) => (await client.query(text, values)).rows };
  try {
    await client.query("begin");
    const result = await fn(tx);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
