// DATABASE_URL when set; otherwise the embedded PostgreSQL under .data/pg.
import { startEmbeddedDb } from "./embedded-db.ts";
import { migrate } from "./migrate.ts";

export async function prepareDatabase(
  log: (m: string) => void,
): Promise<{ url: string; stop: () => Promise<void> }> {
  let url = process.env.DATABASE_URL;
  let stop = async () => {};
  if (url) {
    log(`using DATABASE_URL (${new URL(url).host})`);
  } else {
    const port = Number(process.env.PG_PORT ?? 54329);
    const embedded = await startEmbeddedDb({ dir: ".data/pg", port, database: "directory_console" });
    url = embedded.url;
    stop = embedded.stop;
    process.env.DATABASE_URL = url;
    log(`embedded PostgreSQL on 127.0.0.1:${port}, data in .data/pg`);
  }
  await migrate(url, { log });
  return { url, stop };
}
