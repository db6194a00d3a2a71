import "server-only";
import pg from "pg";

// One sync per connection at a time across every process and instance: a session-level advisory lock held
// on a dedicated connection for the whole run. If the process dies, PostgreSQL releases the lock with it.
export type SyncLock = { release: () => Promise<void>; client: pg.Client };

function key(connectionId: string): string {
  return `directory-console:sync:${connectionId}`;
}

export async function tryLockConnection(connectionId: string): Promise<SyncLock | null> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as locked", [key(connectionId)]);
    if (!rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    client,
    release: async () => {
      await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [key(connectionId)]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
