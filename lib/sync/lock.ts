import "server-only";
import type pg from "pg";
import { syncPool } from "@/lib/sync/sql";

// One sync per connection at a time across every process and instance: a session-level advisory lock held
// on one pooled connection, kept out of the pool for the whole run. If the process dies, PostgreSQL releases
// the lock with the connection.
export type SyncLock = { release: () => Promise<void>; client: pg.PoolClient };

function key(connectionId: string): string {
  return `directory-console:sync:${connectionId}`;
}

export async function tryLockConnection(connectionId: string): Promise<SyncLock | null> {
  const client = await syncPool().connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      "select pg_try_advisory_lock(hashtextextended($1, 0)) as locked",
      [key(connectionId)],
    );
    if (!rows[0]?.locked) {
      client.release();
      return null;
    }
  } catch (error) {
    // A connection in an unknown state is not given back to the pool.
    client.release(true);
    throw error;
  }
  return {
    client,
    release: async () => {
      try {
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [key(connectionId)]);
        client.release();
      } catch {
        client.release(true);
      }
    },
  };
}
