import "server-only";
import pg from "pg";

// The sync's bulk statements (unnest of thousands of values) go straight through pg: Prisma's raw queries cost
// many times more per batch here. One small pool per process, kept on globalThis like the Prisma client.
const globalForPool = globalThis as unknown as { syncPool?: pg.Pool };

export function syncPool(): pg.Pool {
  return (globalForPool.syncPool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 }));
}

export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await syncPool().query<T>(text, values)).rows;
}
