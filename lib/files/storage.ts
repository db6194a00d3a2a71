import "server-only";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

// File contents live on disk under FILES_DIR (default .data/files), each under a random key: a file's name is
// only a database column, so nothing a person types reaches a path.
export function filesDir(): string {
  // turbopackIgnore: a runtime data directory, not part of the build's file tracing.
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.FILES_DIR ??
      path.join(/*turbopackIgnore: true*/ process.cwd(), ".data", "files"),
  );
}

function keyPath(key: string): string {
  if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error("Invalid storage key.");
  return path.join(/*turbopackIgnore: true*/ filesDir(), key.slice(0, 2), key);
}

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super("The upload exceeds the space left.");
  }
}

/**
 * Streams a body to disk under `key`, stopping as soon as it passes `limit` bytes (the rest is never read).
 * Writes to a temporary name and renames at the end, so a cut upload never leaves a half file under the key.
 */
export async function writeStream(
  key: string,
  body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  limit: number,
): Promise<number> {
  const target = keyPath(key);
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.part`;
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) done(new TooLargeError(limit));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, counter, fs.createWriteStream(temporary, { flags: "wx" }));
    await fsp.rename(temporary, target);
    return size;
  } catch (error) {
    await fsp.rm(temporary, { force: true });
    throw error;
  }
}

/** The stored bytes, or null when they are missing from disk (restored database, wiped directory). */
export async function openStored(key: string): Promise<fs.ReadStream | null> {
  const handle = await fsp.open(keyPath(key), "r").catch(() => null);
  return handle ? handle.createReadStream() : null;
}

export async function removeStored(key: string): Promise<void> {
  await fsp.rm(keyPath(key), { force: true });
}

export async function writeBytes(key: string, bytes: Uint8Array): Promise<void> {
  await writeStream(key, Readable.from([bytes]), Number.MAX_SAFE_INTEGER);
}

/** Every key stored on disk (finished files only) with when it was written, for the storage check. */
export async function storedKeys(): Promise<{ key: string; writtenAt: number }[]> {
  const root = filesDir();
  const shards = await fsp.readdir(root).catch(() => [] as string[]);
  const keys: { key: string; writtenAt: number }[] = [];
  for (const shard of shards) {
    const dir = path.join(/*turbopackIgnore: true*/ root, shard);
    for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f-]{36}$/.test(name)) continue;
      const stat = await fsp.stat(path.join(/*turbopackIgnore: true*/ dir, name)).catch(() => null);
      if (stat) keys.push({ key: name, writtenAt: stat.mtimeMs });
    }
  }
  return keys;
}
