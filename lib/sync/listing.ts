import "server-only";
import type { Entry } from "ldapts";
import type { DirectoryConnection } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import type { FieldNames } from "@/lib/directory/presets";
import { CHANGE_ATTRIBUTES, STABLE_ID_ATTRIBUTES, listingOf } from "@/lib/sync/map";
import { syncPool } from "@/lib/sync/sql";
import { processBatch, type BatchCtx } from "@/lib/sync/batch";
import { PAGE_SIZE, T, compareMarks, mapPage, prefetch } from "@/lib/sync/run";

// The full read of a connection synchronised before: list ids and versions, read only what changed.

export type ListTarget = { baseDn: string; filter: string; attributes: string[]; fields: FieldNames; previousMark: string | null; preset: string };

// What a listing asks for, by directory type: the stable id the mapping prefers there and the version. Fewer
// attributes are fewer bytes to decode 100,000 times. A server that is not what its preset says answers without
// them, and the listing gives way to a full read.
// (uSNChanged is also Active Directory's change mark; entryCSN carries the time modifyTimestamp would give.)
const LISTING_ATTRIBUTES: Record<string, string[]> = {
  ACTIVE_DIRECTORY: ["objectGUID", "uSNChanged"],
  OPENLDAP: ["entryUUID", "entryCSN"],
  OPEN_DIRECTORY: ["entryUUID", "apple-generateduid", "GeneratedUID", "entryCSN", "modifyTimestamp"],
  DS389: ["entryUUID", "nsUniqueId", "modifyTimestamp"],
};

/**
 * A full read in two steps, for a connection synchronised before: list every entry's stable id and change mark
 * (uSNChanged, entryCSN, modifyTimestamp) only, then read in full just the entries whose version is not the
 * stored one, or whose account's status disagrees with its stored directory status (a run held by the
 * threshold). Where only modifyTimestamp exists (it counts seconds: a second change in the second of the previous
 * read keeps it), entries not older than the previous run's newest mark are read again every time. Entries not
 * listed are gone, as in a full read. Returns false, having written nothing, when the directory gives no ids or
 * marks, when some accounts have no stable id, or when so much changed that reading everything is cheaper.
 */
export async function listThenRead(directory: DirectoryConnection, target: ListTarget, ctx: BatchCtx, progress: (read: number) => Promise<void>, debug: (m: string, d?: object) => Promise<void>): Promise<boolean> {
  if (!target.previousMark) return false;
  const attributes = LISTING_ATTRIBUTES[target.preset] ?? [...STABLE_ID_ATTRIBUTES, ...CHANGE_ATTRIBUTES];
  const pages = prefetch(directory.searchPages(target.baseDn, { scope: "sub", filter: target.filter, attributes, explicitBufferAttributes: ["objectGUID"] }, PAGE_SIZE));
  try {
    return await listThenReadPages(pages, directory, target as ListTarget & { previousMark: string }, ctx, progress, debug);
  } finally {
    // Given up early (a fallback to a full read): the listing's pending page is dropped.
    void pages.return(undefined).catch(() => {});
  }
}

async function listThenReadPages(pages: AsyncGenerator<{ entries: Entry[] }>, directory: DirectoryConnection, target: ListTarget & { previousMark: string }, ctx: BatchCtx, progress: (read: number) => Promise<void>, debug: (m: string, d?: object) => Promise<void>): Promise<boolean> {
  const { run, connectionId } = ctx;
  let t0 = performance.now();
  // The comparison happens in PostgreSQL, page by page while the directory lists: each page's ids and versions go
  // into a temporary table of this session, and only the entries whose version is not the stored one come back.
  const client = await syncPool().connect();
  let compared: Promise<void> = Promise.resolve();
  try {
    await client.query(`create temp table if not exists sync_listing (did text, ver text, dn text) on commit preserve rows; truncate sync_listing`);
    const { rows: [stats] } = await client.query<{ missing: boolean; accounts: number; active: number }>(
      `select count(*) filter (where "directoryId" is null) > 0 as missing, count(*)::int as accounts, count(*) filter (where status = 'ACTIVE')::int as active
       from "User" where "connectionId" = $1::uuid and source = 'DIRECTORY' and "supersededById" is null`,
      [connectionId],
    );
    // Accounts without a stable id cannot be matched by a listing: read everything.
    if (stats.missing) return false;

    const changed: string[] = [];
    let listedCount = 0;
    let maxMark: string | null = null;
    await debug("list", { base: target.baseDn, filter: target.filter });
    for await (const page of pages) {
      const ids: string[] = [];
      const versions: string[] = [];
      const dns: string[] = [];
      for (const raw of page.entries) {
        const { id, version, exact, timestamp, mark } = listingOf(raw);
        if (!id || !version || !mark) return false;
        if (!maxMark || compareMarks(mark, maxMark) > 0) maxMark = mark;
        ids.push(id);
        // A version to the second is trusted only when older than the newest mark of the previous run.
        versions.push(exact || compareMarks(timestamp!, target.previousMark) < 0 ? `${ctx.markKey}:${version}` : "");
        dns.push(raw.dn);
      }
      // Chained on the session without waiting for it: the page is stored while the next one is read.
      compared = compared.then(() => client.query(`insert into sync_listing select * from unnest($1::text[], $2::text[], $3::text[])`, [ids, versions, dns])).then(() => {});
      compared.catch(() => {});
      listedCount += ids.length;
      await progress(listedCount);
    }
    T("light: listing", t0); t0 = performance.now();
    await compared;
    T("light: tail", t0); t0 = performance.now();
    // One hash join of the listing with the connection's accounts: the entries whose version is not the stored one.
    // It also counts the active accounts listed: when that is all of them (the usual case), nothing is gone.
    const { rows: [joined] } = await client.query<{ changed: string[] | null; active: number }>(
      `select array_agg(l.dn) filter (where u.id is null or u."directoryMark" is distinct from l.ver or l.ver = '') as changed,
              count(*) filter (where u.status = 'ACTIVE')::int as active
       from sync_listing l
       left join "User" u on u."connectionId" = $1::uuid and u."directoryId" = l.did and u.source = 'DIRECTORY' and u."supersededById" is null`,
      [connectionId],
    );
    changed.push(...(joined.changed ?? []));
    T("light: list", t0); t0 = performance.now();
    // Reading a few entries one by one is cheap; past this, one paged read of everything is cheaper.
    if (changed.length > Math.max(2000, listedCount / 5)) return false;

    // Active accounts of this connection that were not listed are gone.
    const gone = joined.active === stats.active ? { rows: [] } : await client.query<{ id: string; email: string; name: string }>(
      `select u.id, u.email, u.name from "User" u
       where u."connectionId" = $1::uuid and u.source = 'DIRECTORY' and u."supersededById" is null and u.status = 'ACTIVE'
         and not exists (select 1 from sync_listing l where l.did = u."directoryId")`,
      [connectionId],
    );
    const unchanged = listedCount - changed.length;
    run.counts.entriesRead += unchanged;
    run.counts.unchanged += unchanged;
    run.maxChangeMark = maxMark;

    // The changed entries, by DN, a few requests at a time on the one connection; each must still match the filter.
    const entries: Entry[] = [];
    let next = 0;
    const worker = async () => {
      while (next < changed.length) {
        const dn = changed[next++];
        try {
          const result = await directory.search(dn, { scope: "base", filter: target.filter, attributes: target.attributes, explicitBufferAttributes: ["objectGUID"] });
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
    // Which accounts holding these entries' emails belong to another entry that is still listed (a duplicate email).
    if (mapped.length) {
      const { rows } = await client.query<{ did: string }>(
        `select u."directoryId" as did from "User" u where u.email = any($1::text[]) and u."connectionId" = $2::uuid and u."directoryId" is not null
           and exists (select 1 from sync_listing l where l.did = u."directoryId")`,
        [mapped.map((e) => e.email), connectionId],
      );
      run.listed = new Set(rows.map((r) => r.did));
    }
    for (let i = 0; i < mapped.length; i += PAGE_SIZE) await processBatch(mapped.slice(i, i + PAGE_SIZE), ctx);
    await progress(listedCount);
    T("light: details", t0);

    for (const u of gone.rows) {
      if (!run.seen.has(u.id) && !run.toDisable.has(u.id)) run.toDisable.set(u.id, { id: u.id, email: u.email, name: u.name, kind: "gone", reason: "no longer in the directory under Base DN and Sync filter" });
    }
    run.accounts = stats.accounts;
    return true;
  } finally {
    await compared.catch(() => {});
    client.release();
  }
}
