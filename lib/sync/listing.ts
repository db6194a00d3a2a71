import "server-only";
import type { Entry } from "ldapts";
import type { DirectoryConnection } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import { listingStatusAttributes, vendorOf } from "@/lib/directory/presets";
import { CHANGE_ATTRIBUTES, STABLE_ID_ATTRIBUTES, listingOf, statusOf, type MapFields } from "@/lib/sync/map";
import { sql, syncPool } from "@/lib/sync/sql";
import { processBatch, type BatchCtx } from "@/lib/sync/batch";
import { PAGE_SIZE, T, compareMarks, mapPage, prefetch } from "@/lib/sync/run";

// The full read of a connection synchronised before: list ids and versions, read only what changed.

export type ListTarget = {
  baseDn: string;
  filter: string;
  attributes: string[];
  fields: MapFields;
  previousMark: string | null;
  preset: string;
};

/**
 * A full read in two steps, for a connection synchronised before: list every entry's stable id and change
 * mark (uSNChanged, entryCSN, modifyTimestamp) only, then read in full just the entries whose version is not
 * the stored one, or, where the server computes the status (the preset's vendor knowledge: 389's role lock,
 * Active Directory's lockout), whose listed status disagrees with its account's (a role locked or unlocked,
 * a lockout begun or ended, a run held by the threshold). Where only modifyTimestamp exists (it counts seconds: a second change in the second of the
 * previous read keeps it), entries not older than the previous run's newest mark are read again every time.
 * Entries not listed are gone, as in a full read. Returns false, having written nothing, when the directory
 * gives no ids or marks, when some accounts have no stable id, or
 * when so much changed that reading everything is cheaper.
 */
export async function listThenRead(
  directory: DirectoryConnection,
  target: ListTarget,
  ctx: BatchCtx,
  progress: (read: number) => Promise<void>,
  debug: (m: string, d?: object) => Promise<void>,
): Promise<boolean> {
  if (!target.previousMark) return false;
  const attributes = [
    ...(vendorOf(target.preset)?.listingAttributes ?? [...STABLE_ID_ATTRIBUTES, ...CHANGE_ATTRIBUTES]),
    ...listingStatusAttributes(target.preset, target.fields),
  ];
  const pages = prefetch(
    directory.searchPages(
      target.baseDn,
      { scope: "sub", filter: target.filter, attributes, explicitBufferAttributes: ["objectGUID"] },
      PAGE_SIZE,
    ),
  );
  try {
    return await listThenReadPages(
      pages,
      directory,
      target as ListTarget & { previousMark: string },
      ctx,
      progress,
      debug,
    );
  } finally {
    // Given up early (a fallback to a full read): the listing's pending page is dropped.
    void pages.return(undefined).catch(() => {});
  }
}

/**
 * The connection's current accounts as a listing compares them: stable id → stored version, and which are
 * active.
 */
type Stored = { versions: Map<string, string | null>; active: Set<string>; accounts: number };

async function loadStored(connectionId: string): Promise<Stored | null> {
  // Array rows straight from pg: 100,000 small rows, read while the directory lists its first page.
  const { rows } = await syncPool().query<[string | null, string | null, boolean]>({
    text:
      `select "directoryId", "directoryMark", status = 'ACTIVE' from "User" where "connectionId" = ` +
      `$1::uuid and source = 'DIRECTORY' and "supersededById" is null`,
    values: [connectionId],
    rowMode: "array",
  });
  const versions = new Map<string, string | null>();
  const active = new Set<string>();
  for (const [id, mark, isActive] of rows) {
    // An account without a stable id cannot be matched by a listing: everything is read.
    if (!id) return null;
    versions.set(id, mark);
    if (isActive) active.add(id);
  }
  return { versions, active, accounts: rows.length };
}

async function listThenReadPages(
  pages: AsyncGenerator<{ entries: Entry[] }>,
  directory: DirectoryConnection,
  target: ListTarget & { previousMark: string },
  ctx: BatchCtx,
  progress: (read: number) => Promise<void>,
  debug: (m: string, d?: object) => Promise<void>,
): Promise<boolean> {
  const { run, connectionId } = ctx;
  let t0 = performance.now();
  // Each page is compared, as it arrives, with the versions stored for the connection's accounts (loaded
  // while the directory lists the first page): only the entries
  // whose version is not the stored one are read in full.
  const storedPromise = loadStored(connectionId);
  storedPromise.catch(() => {}); // awaited below
  await debug("list", { base: target.baseDn, filter: target.filter });
  const changed: string[] = [];
  const listed = new Set<string>();
  let activeListed = 0;
  let maxMark: string | null = null;
  let stored: Stored | null | undefined;
  const statusListed = listingStatusAttributes(target.preset, target.fields).length > 0;
  const fields = { ...target.fields, preset: target.preset };
  for await (const page of pages) {
    stored ??= await storedPromise;
    if (!stored) return false;
    for (const raw of page.entries) {
      const { id, version, exact, timestamp, mark } = listingOf(raw);
      if (!id || !version || !mark) return false;
      if (!maxMark || compareMarks(mark, maxMark) > 0) maxMark = mark;
      listed.add(id);
      if (stored.active.has(id)) activeListed++;
      // A version to the second is trusted only when older than the newest mark of the previous run.
      const trusted = exact || compareMarks(timestamp!, target.previousMark) < 0;
      const known = stored.versions.get(id);
      // A computed status changes no version: an entry whose status is not its account's is read in full.
      const statusDiffers = statusListed && statusOf(raw, fields).disabled === stored.active.has(id);
      if (!trusted || known === undefined || known !== `${ctx.markKey}:${version}` || statusDiffers)
        changed.push(raw.dn);
    }
    await progress(listed.size);
  }
  stored ??= await storedPromise;
  if (!stored) return false;
  const listedCount = listed.size;
  T("light: listing", t0);
  t0 = performance.now();
  // Reading a few entries one by one is cheap; past this, one paged read of everything is cheaper.
  if (changed.length > Math.max(2000, listedCount / 5)) return false;

  // Active accounts of this connection that were not listed are gone. When every active account was listed
  // (the usual case), nothing is.
  const goneIds =
    activeListed === stored.active.size ? [] : [...stored.active].filter((id) => !listed.has(id));
  const gone =
    goneIds.length === 0
      ? []
      : await sql<{ id: string; email: string; name: string }>(
          `select u.id, u.email, u.name from "User" u
     where u."connectionId" = $1::uuid and u.source = 'DIRECTORY' and u."supersededById" is null
       and u.status = 'ACTIVE' and u."directoryId" = any($2::text[])
       and not u."isPlatformAdmin" and not u."isBuiltinAdmin"`,
          [connectionId, goneIds],
        );
  const unchanged = listedCount - changed.length;
  run.counts.entriesRead += unchanged;
  run.counts.unchanged += unchanged;
  run.maxChangeMark = maxMark;

  // The changed entries, by DN, a few requests at a time on the
  // one connection; each must still match the filter.
  const entries: Entry[] = [];
  let next = 0;
  const worker = async () => {
    while (next < changed.length) {
      const dn = changed[next++];
      try {
        const result = await directory.search(dn, {
          scope: "base",
          filter: target.filter,
          attributes: target.attributes,
          explicitBufferAttributes: ["objectGUID"],
        });
        entries.push(...result.entries);
      } catch (error) {
        // Deleted between the listing and now: it is gone, as if it had not been listed.
        if (error instanceof DirectoryError && error.kind === "base-dn-not-found") continue;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, changed.length) }, worker));
  // Mapped once (warnings included), then checked for duplicates and written in batches.
  const mapped = mapPage(entries, run, target.fields);
  run.maxChangeMark = maxMark;
  // Which accounts holding these entries' emails belong to
  // another entry that is still listed (a duplicate email).
  if (mapped.length) {
    const rows = await sql<{ did: string }>(
      `select u."directoryId" as did from "User" u where u.email = any($1::text[]) and ` +
        `u."connectionId" = $2::uuid and u."directoryId" is not null`,
      [mapped.map((e) => e.email), connectionId],
    );
    run.listed = new Set(rows.map((r) => r.did).filter((did) => listed.has(did)));
  }
  for (let i = 0; i < mapped.length; i += PAGE_SIZE) await processBatch(mapped.slice(i, i + PAGE_SIZE), ctx);
  await progress(listedCount);
  T("light: details", t0);

  for (const u of gone) {
    if (!run.seen.has(u.id) && !run.toDisable.has(u.id))
      run.toDisable.set(u.id, {
        id: u.id,
        email: u.email,
        name: u.name,
        kind: "gone",
        reason: "no longer in the directory under Base DN and Sync filter",
      });
  }
  run.accounts = stored.accounts;
  return true;
}
