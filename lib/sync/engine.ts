import "server-only";
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";
import { db } from "@/lib/db";
import { emailOpenNotifications } from "@/lib/notifications/email";
import { mailConfigured } from "@/lib/mail";
import { decryptSecret } from "@/lib/crypto";
import { DirectoryConnection } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import { CHANGE_ATTRIBUTES, STABLE_ID_ATTRIBUTES, isAscii, listingOf, mapEntry, mappingKey, type MappedEntry } from "@/lib/sync/map";
import { isDisabledValue } from "@/lib/directory/presets";
import { syncGroups } from "@/lib/sync/groups";
import { tryLockConnection } from "@/lib/sync/lock";
import { sql, syncPool } from "@/lib/sync/sql";
import type { Role, SyncTrigger } from "@/lib/generated/prisma/enums";
import type { ConnectionValues } from "@/lib/connections/schema";

const RUNNER_ID = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
const PAGE_SIZE = 1000;
const MAX_WARNINGS = 200;
const MAX_PLAN_NAMES = 500;

export type SyncOptions = {
  trigger: SyncTrigger;
  dryRun?: boolean;
  /** An administrator confirmed a run held by the disable threshold. */
  allowDisable?: boolean;
  /** Force a full read even when an incremental one is due. */
  full?: boolean;
  /** Unsaved form values to preview (dry run only). */
  overrides?: Partial<ConnectionValues>;
  onProgress?: (entriesRead: number) => void;
};

export type PlanItem = { email: string; name: string; reason?: string };
export type SyncPlan = { create: PlanItem[]; update: PlanItem[]; disable: PlanItem[]; pendingTransfer: PlanItem[]; reenable: PlanItem[] };

export type SyncOutcome = {
  runId: string | null;
  status: "SUCCEEDED" | "FAILED" | "HELD" | "SKIPPED";
  kind: "FULL" | "INCREMENTAL";
  counts: { entriesRead: number; created: number; updated: number; unchanged: number; disabled: number; reenabled: number; pendingTransfer: number };
  warnings: string[];
  error?: string;
  heldReason?: string;
  plan?: SyncPlan;
  /** How many users the run would disable or mark pending transfer (also when it was held). */
  wouldDisable?: number;
};

type ExistingUser = {
  id: string; email: string; name: string; source: "LOCAL" | "DIRECTORY" | "ADHOC"; status: "ACTIVE" | "DISABLED" | "PENDING_TRANSFER";
  connectionId: string | null; directoryId: string | null; directoryHash: string | null; supersededById: string | null;
};

type Disable = { id: string; email: string; name: string; reason: string; kind: "status" | "gone" | "superseded"; targetUserId?: string };

class Run {
  counts = { entriesRead: 0, created: 0, updated: 0, unchanged: 0, disabled: 0, reenabled: 0, pendingTransfer: 0 };
  warnings: string[] = [];
  warningCount = 0;
  seen = new Set<string>();
  emailsSeen = new Set<string>();
  toDisable = new Map<string, Disable>();
  plan: SyncPlan = { create: [], update: [], disable: [], pendingTransfer: [], reenable: [] };
  maxChangeMark: string | null = null;
  /** The connection's current accounts, when a listing counted them. */
  accounts: number | null = null;
  /** The stable ids a listing found (a full sync that read only changed entries). */
  listed: Set<string> | null = null;

  warn(message: string) {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
  }

  note(list: keyof SyncPlan, item: PlanItem) {
    if (this.plan[list].length < MAX_PLAN_NAMES) this.plan[list].push(item);
  }
}

function changedFields(before: ExistingUser & Record<string, unknown>, e: MappedEntry): string[] {
  const out: string[] = [];
  if (before.name !== e.fullName) out.push("name");
  if ((before.accountName ?? null) !== e.accountName) out.push("accountName");
  if ((before.userPrincipalName ?? null) !== e.userPrincipalName) out.push("userPrincipalName");
  if ((before.dn ?? null) !== e.dn) out.push("dn");
  if ((before.directoryStatus ?? null) !== e.statusValue) out.push("status value");
  return out;
}

/**
 * Synchronises one connection: read the directory page by page, decide, write in batches. Nothing is ever
 * written to the directory. Invariants: never disable on an incomplete read; hold a run that would disable
 * more than the threshold until an administrator confirms; one run per connection at a time (advisory lock).
 */
export async function syncConnection(connectionId: string, options: SyncOptions): Promise<SyncOutcome> {
  const dryRun = Boolean(options.dryRun);
  const lock = dryRun ? null : await tryLockConnection(connectionId);
  const empty = { entriesRead: 0, created: 0, updated: 0, unchanged: 0, disabled: 0, reenabled: 0, pendingTransfer: 0 };
  if (!dryRun && !lock) return { runId: null, status: "SKIPPED", kind: "FULL", counts: empty, warnings: ["A synchronisation of this connection is already running."] };
  let outcome: SyncOutcome;
  try {
    outcome = await runLocked(connectionId, options, dryRun);
  } finally {
    await lock?.release();
  }
  // The administrators hear about users with files to transfer by e-mail too, when SMTP is configured.
  if (!dryRun && outcome.status === "SUCCEEDED" && mailConfigured()) {
    const { organizationId } = await db.ldapConnection.findUniqueOrThrow({ where: { id: connectionId }, select: { organizationId: true } });
    await emailOpenNotifications(organizationId);
  }
  return outcome;
}

async function runLocked(connectionId: string, options: SyncOptions, dryRun: boolean): Promise<SyncOutcome> {
  const tStart = performance.now();
  const stored = await db.ldapConnection.findUniqueOrThrow({ where: { id: connectionId }, include: { organization: { select: { id: true, defaultPlanId: true } } } });
  const connection = { ...stored, ...(options.overrides ?? {}) };
  const orgId = stored.organizationId;
  const now = new Date();

  // A run left RUNNING by a process that died: we hold the lock now, so nobody is running it.
  if (!dryRun) {
    await db.syncRun.updateMany({
      where: { connectionId, status: "RUNNING" },
      data: { status: "FAILED", finishedAt: now, error: "Interrupted: the process running it stopped before it finished." },
    });
  }

  const incremental = !options.full && !dryRun && !options.allowDisable && Boolean(stored.highWaterMark) && Boolean(stored.lastFullSyncAt) &&
    now.getTime() - stored.lastFullSyncAt!.getTime() < stored.fullSyncIntervalMinutes * 60_000;
  const kind = incremental ? "INCREMENTAL" : "FULL";
  const [runRow, positions] = await Promise.all([
    dryRun ? null : db.syncRun.create({ data: { connectionId, trigger: options.trigger, kind, runnerId: RUNNER_ID }, select: { id: true } }),
    db.ldapConnection.findMany({ where: { organizationId: orgId }, select: { id: true, name: true, position: true, enabled: true } }),
  ]);
  const run = new Run();
  const log = (level: "DEBUG" | "INFO" | "WARNING" | "ERROR", message: string, details: object = {}) =>
    dryRun ? Promise.resolve() : db.logEntry.create({ data: { organizationId: orgId, connectionId, level, message, details } }).then(() => undefined);
  const debug = (message: string, details: object = {}) => (stored.debugLogging ? log("DEBUG", message, details) : Promise.resolve());

  const myPosition = positions.find((p) => p.id === connectionId)!.position;
  let directory: DirectoryConnection | undefined;
  // Batches being written: up to two at a time, on their own pool connections, so that the database works on a
  // batch's accounts while it writes the previous batch's memberships.
  const writing: Promise<void>[] = [];
  try {
    const password = options.overrides?.managerPassword || decryptSecret(stored.managerPasswordEnc);
    directory = await DirectoryConnection.open({ ...connection, managerPassword: password });
    await debug("bind", { as: connection.managerDn, url: connection.serverUrl });

    // Active Directory: the high-water mark is read before the search, so nothing changed during it is missed.
    let usnMark: string | null = null;
    const dse = await directory.search("", { scope: "base", filter: "(objectClass=*)", attributes: ["highestCommittedUSN"] }).catch(() => null);
    usnMark = dse?.entries[0] ? String(dse.entries[0].highestCommittedUSN ?? "") || null : null;

    let filter = connection.syncFilter.trim();
    if (!filter.startsWith("(")) filter = `(${filter})`;
    if (incremental) {
      const mark = stored.highWaterMark!;
      // Strictly after the mark. With second-resolution timestamps, a change made in the mark's own second after
      // the previous read is caught by the next full sync (hourly by default), as deletions are.
      filter = /^\d+$/.test(mark) ? `(&${filter}(uSNChanged>=${BigInt(mark) + 1n}))` : `(&${filter}(modifyTimestamp>=${mark})(!(modifyTimestamp=${mark})))`;
    }
    const attributes = [
      connection.accountNameField, connection.emailField, connection.userPrincipalNameField, connection.fullNameField, connection.statusField,
      ...STABLE_ID_ATTRIBUTES, ...CHANGE_ATTRIBUTES,
    ];
    await debug("search", { base: connection.baseDn, filter, kind });

    const batchCtx: BatchCtx = { run, connectionId, orgId, defaultPlanId: stored.organization.defaultPlanId, myPosition, positions, dryRun, runId: runRow?.id ?? null, markKey: mappingKey(connection) };
    let lastProgress = 0;
    const progress = async (read: number) => {
      // The progress bar reads this; more than a few writes a second would only cost time.
      if (runRow && Date.now() - lastProgress > 500) {
        lastProgress = Date.now();
        await db.syncRun.update({ where: { id: runRow.id }, data: { entriesRead: read } });
      }
      options.onProgress?.(read);
    };

    T("setup", tStart);
    // A connection synchronised before is listed first (ids and change marks only); only entries that changed
    // are read in full. Without marks, or when much changed, everything is read.
    let tp = performance.now();
    const listed = kind === "FULL" && !dryRun && !options.overrides && Boolean(stored.lastFullSyncAt) &&
      (await listThenRead(directory, { baseDn: connection.baseDn, filter, attributes, fields: connection, previousMark: stored.highWaterMark, preset: connection.preset }, batchCtx, progress, debug));
    T("list then read", tp);

    if (!listed) {
      // A full read knows the connection's accounts up front (one query), so that unchanged entries cost no
      // round trip; only emails it does not know are looked up per batch.
      tp = performance.now();
      // Loaded while the first page is read; the first batch waits for it.
      const knownPromise = kind === "FULL" ? loadKnown(connectionId, orgId) : Promise.resolve(undefined);
      knownPromise.catch(() => {});
      let known: Known | undefined;
      // Pages are mapped while the previous batch is written: the database works on its own core meanwhile.
      for await (const page of prefetch(directory.searchPages(connection.baseDn, { scope: "sub", filter, attributes, explicitBufferAttributes: ["objectGUID"] }, PAGE_SIZE))) {
        T("ldap wait", tp);
        const tm = performance.now();
        const batch = mapPage(page.entries, run, connection);
        T("map", tm);
        const tw = performance.now();
        while (writing.length >= 2) await writing.shift();
        T("wait write", tw);
        known ??= await knownPromise;
        tp = performance.now();
        const read = run.counts.entriesRead;
        const write = (async () => {
          await processBatch(batch, { ...batchCtx, known });
          await debug("page", { entries: page.entries.length, total: read });
          await progress(read);
        })();
        write.catch(() => {}); // awaited above on a later page, or below
        writing.push(write);
      }
      while (writing.length) await writing.shift();
      known ??= await knownPromise;
      tp = performance.now();

      // The read is complete: only now may anything be disabled. Deletions are found by full reads only.
      if (kind === "FULL" && known) {
        // Accounts of this connection known at the start that the complete read did not see are gone. (Accounts
        // created during the run are all seen.)
        for (const u of known.byEmail.values()) {
          if (u.source === "DIRECTORY" && !u.supersededById && u.status === "ACTIVE" && !run.seen.has(u.id) && !run.toDisable.has(u.id)) {
            run.toDisable.set(u.id, { id: u.id, email: u.email, name: u.name, kind: "gone", reason: "no longer in the directory under Base DN and Sync filter" });
          }
        }
      }
    }

    T("gone", tp); tp = performance.now();
    const total = run.accounts ?? (await db.user.count({ where: { connectionId, source: "DIRECTORY", supersededById: null } }));
    const wouldDisable = [...run.toDisable.values()].filter((d) => d.kind !== "superseded").length;
    const limit = Math.min(Math.ceil((stored.disableThresholdPercent / 100) * total), stored.disableThresholdCount);
    if (!options.allowDisable && wouldDisable > 0 && wouldDisable > limit) {
      const heldReason = `This run would disable ${wouldDisable} of ${total} users, more than the threshold (${stored.disableThresholdPercent}% or ${stored.disableThresholdCount}). Nothing was disabled: confirm to apply.`;
      for (const d of byEmail(run.toDisable.values())) run.note("disable", { email: d.email, name: d.name, reason: d.reason });
      if (!dryRun) {
        await log("WARNING", heldReason);
        await finish(runRow!.id, connectionId, stored.syncIntervalMinutes, run, { status: "HELD", heldReason }, null, kind);
      }
      return { runId: runRow?.id ?? null, status: "HELD", kind, counts: run.counts, warnings: run.warnings, heldReason, plan: run.plan, wouldDisable };
    }
    T("count", tp); tp = performance.now();
    await applyDisables(run, { orgId, runId: runRow?.id ?? null, dryRun });
    T("disables", tp); tp = performance.now();
    if (!dryRun && kind === "FULL") await syncGroups(directory, { connectionId, orgId, preset: connection.preset, baseDn: connection.baseDn }, run.warn.bind(run));
    T("groups", tp); tp = performance.now();

    const mark = usnMark ?? run.maxChangeMark ?? stored.highWaterMark;
    if (!dryRun) {
      for (const w of run.warnings.slice(0, 50)) await log("WARNING", w);
      if (run.warningCount > 50) await log("WARNING", `${run.warningCount - 50} more warnings in run ${runRow!.id}.`);
      await log("INFO", `${kind === "FULL" ? "Full" : "Incremental"} sync: ${run.counts.entriesRead} read, ${run.counts.created} created, ${run.counts.updated} updated, ${run.counts.disabled} disabled, ${run.counts.pendingTransfer} pending transfer, ${run.counts.reenabled} re-enabled.`);
      await finish(runRow!.id, connectionId, stored.syncIntervalMinutes, run, { status: "SUCCEEDED" }, mark, kind);
    }
    T("finish", tp);
    return { runId: runRow?.id ?? null, status: "SUCCEEDED", kind, counts: run.counts, warnings: run.warnings, plan: dryRun ? run.plan : undefined, wouldDisable: run.counts.disabled + run.counts.pendingTransfer };
  } catch (error) {
    // A batch still being written finishes before the run is marked failed and the lock released.
    await Promise.allSettled(writing);
    const message = error instanceof DirectoryError ? error.message : "The synchronisation failed unexpectedly; see the server log.";
    if (!(error instanceof DirectoryError)) console.error("sync failed", error);
    if (!dryRun) {
      await log("ERROR", `Sync failed after ${run.counts.entriesRead} entries: ${message} Nothing was disabled.`);
      await finish(runRow!.id, connectionId, stored.syncIntervalMinutes, run, { status: "FAILED", error: message }, null, kind);
    }
    return { runId: runRow?.id ?? null, status: "FAILED", kind, counts: run.counts, warnings: run.warnings, error: message, plan: dryRun ? run.plan : undefined };
  } finally {
    await directory?.close();
  }
}

function compareMarks(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b) ? 1 : BigInt(a) < BigInt(b) ? -1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

async function finish(runId: string, connectionId: string, intervalMinutes: number, run: Run, result: { status: "SUCCEEDED" | "FAILED" | "HELD"; error?: string; heldReason?: string }, mark: string | null, kind: "FULL" | "INCREMENTAL") {
  const now = new Date();
  const warnings = run.warningCount > run.warnings.length ? [...run.warnings, `… and ${run.warningCount - run.warnings.length} more`] : run.warnings;
  await db.syncRun.update({ where: { id: runId }, data: { ...run.counts, status: result.status, error: result.error ?? null, heldReason: result.heldReason ?? null, warnings, finishedAt: now } });
  await db.ldapConnection.update({
    where: { id: connectionId },
    data: {
      lastSyncAt: now,
      nextSyncAt: new Date(now.getTime() + intervalMinutes * 60_000),
      ...(result.status === "SUCCEEDED" && kind === "FULL" ? { lastFullSyncAt: now } : {}),
      ...(result.status === "SUCCEEDED" && mark ? { highWaterMark: mark } : {}),
    },
  });
}

type BatchCtx = { run: Run; connectionId: string; orgId: string; defaultPlanId: string; myPosition: number; positions: { id: string; name: string; position: number; enabled: boolean }[]; dryRun: boolean; runId: string | null; known?: Known; markKey: string };

type KnownUser = ExistingUser & { accountName: string | null; userPrincipalName: string | null; dn: string | null; directoryStatus: string | null; directoryMark: string | null; membershipId: string | null; roles: Role[] | null };
type Known = { byEmail: Map<string, KnownUser>; byDirectoryId: Map<string, KnownUser> };

const USER_COLUMNS = `u.id, u.email, u.name, u."accountName", u."userPrincipalName", u.dn, u."directoryStatus", u.source::text as source, u.status::text as status,
  u."connectionId", u."directoryId", u."directoryHash", u."supersededById", u."directoryMark", m.id as "membershipId", m.roles::text[] as roles`;

async function loadKnown(connectionId: string, orgId: string): Promise<Known> {
  // Straight through pg with array rows: at 100,000 accounts this costs a fraction of the memory of a Prisma
  // raw query, which materialises the whole result more than once.
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<unknown[]>({
      text: `select u.id, u.email, u.name, u."accountName", u."userPrincipalName", u.dn, u."directoryStatus", u.source::text, u.status::text,
               u."connectionId", u."directoryId", u."directoryHash", u."supersededById", m.id, m.roles::text[], u."directoryMark"
             from "User" u left join "Membership" m on m."userId" = u.id and m."organizationId" = $2::uuid where u."connectionId" = $1::uuid`,
      values: [connectionId, orgId],
      rowMode: "array",
    });
    const byEmail = new Map<string, KnownUser>();
    const byDirectoryId = new Map<string, KnownUser>();
    for (const r of result.rows as (string | null)[][]) {
      const u = {
        id: r[0], email: r[1], name: r[2], accountName: r[3], userPrincipalName: r[4], dn: r[5], directoryStatus: r[6], source: r[7], status: r[8],
        connectionId: r[9], directoryId: r[10], directoryHash: r[11], supersededById: r[12], membershipId: r[13], roles: r[14] as unknown as Role[] | null, directoryMark: r[15],
      } as KnownUser;
      byEmail.set(u.email, u);
      if (u.directoryId && !u.supersededById) byDirectoryId.set(u.directoryId, u);
    }
    return { byEmail, byDirectoryId };
  } finally {
    await client.end();
  }
}

/** Maps a page of entries, with the run's warnings: no email, duplicate emails, non-ASCII account names. */
function mapPage(entries: import("ldapts").Entry[], run: Run, fields: import("@/lib/directory/presets").FieldNames): MappedEntry[] {
  const batch: MappedEntry[] = [];
  for (const raw of entries) {
    run.counts.entriesRead++;
    const mapped = mapEntry(raw, fields);
    if (!mapped.ok) {
      run.warn(`Entry without email (${fields.emailField}) skipped: ${mapped.dn}`);
      continue;
    }
    const e = mapped.entry;
    if (run.emailsSeen.has(e.email)) {
      run.warn(`Two entries have the email ${e.email}; the second (${e.dn}) was skipped.`);
      continue;
    }
    run.emailsSeen.add(e.email);
    if (e.accountName && !isAscii(e.accountName)) run.warn(`Account name "${e.accountName}" (${e.email}) is not ASCII: use ASCII for usernames.`);
    if (e.changeMark && (!run.maxChangeMark || compareMarks(e.changeMark, run.maxChangeMark) > 0)) run.maxChangeMark = e.changeMark;
    batch.push(e);
  }
  return batch;
}

type ListTarget = { baseDn: string; filter: string; attributes: string[]; fields: import("@/lib/directory/presets").FieldNames; previousMark: string | null; preset: string };

// What a listing asks for, by directory type: the stable id the mapping prefers there and the version. Fewer
// attributes are fewer bytes to decode 100,000 times. A server that is not what its preset says answers without
// them, and the listing gives way to a full read.
const LISTING_ATTRIBUTES: Record<string, string[]> = {
  ACTIVE_DIRECTORY: ["objectGUID", "uSNChanged", "modifyTimestamp"],
  OPENLDAP: ["entryUUID", "entryCSN", "modifyTimestamp"],
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
async function listThenRead(directory: DirectoryConnection, target: ListTarget, ctx: BatchCtx, progress: (read: number) => Promise<void>, debug: (m: string, d?: object) => Promise<void>): Promise<boolean> {
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

async function listThenReadPages(pages: AsyncGenerator<{ entries: import("ldapts").Entry[] }>, directory: DirectoryConnection, target: ListTarget & { previousMark: string }, ctx: BatchCtx, progress: (read: number) => Promise<void>, debug: (m: string, d?: object) => Promise<void>): Promise<boolean> {
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
    const entries: import("ldapts").Entry[] = [];
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
    // Which accounts holding these entries' emails belong to another entry that is still listed (a duplicate email).
    if (entries.length) {
      const emails = entries.map((e) => mapEntry(e, target.fields)).flatMap((m) => (m.ok ? [m.entry.email] : []));
      const { rows } = await client.query<{ did: string }>(
        `select u."directoryId" as did from "User" u where u.email = any($1::text[]) and u."connectionId" = $2::uuid and u."directoryId" is not null
           and exists (select 1 from sync_listing l where l.did = u."directoryId")`,
        [emails, connectionId],
      );
      run.listed = new Set(rows.map((r) => r.did));
    }
    for (let i = 0; i < entries.length; i += PAGE_SIZE) {
      const batch = mapPage(entries.slice(i, i + PAGE_SIZE), run, target.fields);
      run.maxChangeMark = maxMark;
      await processBatch(batch, ctx);
    }
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

/** Reads the next page while the current one is written, so that directory and database work overlap. */
async function* prefetch<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = source.next();
    next.catch(() => {}); // surfaced by the await above on the next turn
    yield current.value;
  }
}

const T = process.env.SYNC_TIMING ? (label: string, t0: number) => { (globalThis as any).__t ??= {}; (globalThis as any).__t[label] = ((globalThis as any).__t[label] ?? 0) + performance.now() - t0; } : () => {};

async function processBatch(batch: MappedEntry[], ctx: BatchCtx) {
  if (batch.length === 0) return;
  let t0 = performance.now();
  const { run, connectionId, orgId } = ctx;
  const emails = batch.map((e) => e.email);
  const ids = batch.map((e) => e.directoryId).filter((v): v is string => Boolean(v));
  // One round trip per batch for what the preloaded map does not know: the accounts these entries may be, with
  // their membership in this organisation.
  const unknownEmails = ctx.known ? emails.filter((e) => !ctx.known!.byEmail.has(e)) : emails;
  // On a full read the preloaded map holds every account of this connection, so directory ids need no lookup.
  const unknownIds = ctx.known ? [] : ids;
  const fetched = unknownEmails.length === 0 && unknownIds.length === 0 ? [] : await sql<KnownUser>(
    `select ${USER_COLUMNS} from "User" u left join "Membership" m on m."userId" = u.id and m."organizationId" = $1::uuid
     where u.email = any($2::text[]) or (u."connectionId" = $3::uuid and u."directoryId" = any($4::text[]))`,
    [orgId, unknownEmails, connectionId, unknownIds],
  );
  const existing: KnownUser[] = [...fetched];
  if (ctx.known) {
    for (const e of batch) {
      const a = ctx.known.byEmail.get(e.email);
      if (a) existing.push(a);
      const b = e.directoryId ? ctx.known.byDirectoryId.get(e.directoryId) : undefined;
      if (b && b !== a) existing.push(b);
    }
  }
  const byEmail = new Map(existing.map((u) => [u.email, u]));
  const byDirectoryId = new Map(existing.filter((u) => u.connectionId === connectionId && u.directoryId && !u.supersededById).map((u) => [u.directoryId!, u]));
  T("find users", t0); t0 = performance.now();
  const membershipOf = new Map(existing.filter((u) => u.membershipId).map((u) => [u.id, { id: u.membershipId!, userId: u.id, roles: u.roles ?? [] }]));

  const creates: { user: MappedEntry; id: string; supersedes?: string }[] = [];
  const updates: { id: string; e: MappedEntry; link: boolean; fields: string[] }[] = [];
  const newMemberships: { userId: string; roles: Role[] }[] = [];
  const roleChanges: { membershipId: string; roles: Role[] }[] = [];
  const reenable: { id: string; e: MappedEntry }[] = [];
  const events: { userId: string; action: string; details: object }[] = [];
  const marks: { id: string; mark: string }[] = [];
  // Accounts whose status this run changes (or, held by the threshold, would): their version is stored only once
  // a later read finds the status settled, so that a listing never skips a disable that was not applied.
  const unsettled: string[] = [];
  const markOf = (e: MappedEntry) => (e.version ? `${ctx.markKey}:${e.version}` : null);

  for (const e of batch) {
    let u = byEmail.get(e.email);
    if (u && u.connectionId === connectionId && u.directoryId && e.directoryId && u.directoryId !== e.directoryId && !u.supersededById && (run.seen.has(u.id) || run.listed?.has(u.directoryId))) {
      // Another entry of this directory, read in this run or listed by it, has this email (a full read that lists
      // ids and versions first sees an unchanged entry without its email).
      run.warn(`Two entries have the email ${e.email}; the second (${e.dn}) was skipped.`);
      continue;
    }
    if (u && u.source === "DIRECTORY" && u.connectionId && u.connectionId !== connectionId) {
      const owner = ctx.positions.find((p) => p.id === u!.connectionId);
      if (owner && owner.enabled && owner.position < ctx.myPosition) {
        run.warn(`${e.email} is also in connection "${owner.name}", which comes first in the order and keeps it.`);
        continue;
      }
      if (owner) run.warn(`${e.email} is also in connection "${owner.name}"; this connection comes first in the order and takes it.`);
    }
    if (!u && e.directoryId) {
      const previous = byDirectoryId.get(e.directoryId);
      if (previous) {
        // Email changed in the directory: a new account; the old one stays, with its files, for transfer.
        const id = crypto.randomUUID();
        creates.push({ user: e, id, supersedes: previous.id });
        run.toDisable.set(previous.id, { id: previous.id, email: previous.email, name: previous.name, kind: "superseded", reason: `email changed in the directory to ${e.email}`, targetUserId: id });
        run.seen.add(previous.id);
        run.note("create", { email: e.email, name: e.fullName, reason: `email changed from ${previous.email}` });
        continue;
      }
    }
    if (!u) {
      creates.push({ user: e, id: crypto.randomUUID() });
      run.note("create", { email: e.email, name: e.fullName });
      continue;
    }
    run.seen.add(u.id);
    const link = u.source !== "DIRECTORY" || u.connectionId !== connectionId || u.directoryId !== e.directoryId || Boolean(u.supersededById);
    if (u.supersededById) {
      // The email came back: the original account is current again; the one made for the other email is not.
      const other = byDirectoryId.get(e.directoryId ?? "") ?? (await db.user.findFirst({ where: { connectionId, directoryId: e.directoryId, supersededById: null, id: { not: u.id } }, select: { id: true, email: true, name: true, source: true, status: true, connectionId: true, directoryId: true, directoryHash: true, supersededById: true, accountName: true, userPrincipalName: true, dn: true, directoryStatus: true } }));
      if (other && other.id !== u.id) {
        run.toDisable.set(other.id, { id: other.id, email: other.email, name: other.name, kind: "superseded", reason: `email changed back in the directory to ${e.email}`, targetUserId: u.id });
        run.seen.add(other.id);
        if (!ctx.dryRun) await db.user.update({ where: { id: other.id }, data: { supersededById: u.id } });
      }
    }
    const membership = membershipOf.get(u.id);
    if (!membership) newMemberships.push({ userId: u.id, roles: ["ORIGINATOR"] });
    else if (u.source === "ADHOC" || membership.roles.includes("ADHOC")) {
      // Seed 004: an Ad hoc user added to the directory becomes a Collaborator.
      roleChanges.push({ membershipId: membership.id, roles: [...new Set(membership.roles.map((r) => (r === "ADHOC" ? "COLLABORATOR" : r)))] as Role[] });
    }
    const fields = changedFields(u as ExistingUser & Record<string, unknown>, e);
    if (link || u.directoryHash !== e.hash) {
      updates.push({ id: u.id, e, link, fields });
      run.note("update", { email: e.email, name: e.fullName, reason: link ? (u.source === "ADHOC" ? "Ad hoc account becomes a Collaborator" : "existing account linked to the directory") : fields.join(", ") });
    } else {
      run.counts.unchanged++;
      const mark = markOf(e);
      if (mark && u.directoryMark !== mark) marks.push({ id: u.id, mark });
    }
    if (e.disabled && u.status === "ACTIVE") {
      run.toDisable.set(u.id, { id: u.id, email: u.email, name: e.fullName, kind: "status", reason: `${ctxField(e)} is disabled in the directory` });
      unsettled.push(u.id);
    } else if (!e.disabled && u.status !== "ACTIVE") {
      reenable.push({ id: u.id, e });
      run.note("reenable", { email: e.email, name: e.fullName });
      unsettled.push(u.id);
    }
  }

  for (const c of creates) run.seen.add(c.id);
  run.counts.created += creates.length;
  run.counts.updated += updates.length;
  run.counts.reenabled += reenable.length;
  if (ctx.dryRun) return;

  T("decide", t0); t0 = performance.now();
  const stamp = new Date();
  if (creates.length) {
    // Set-based insert of the whole batch (Prisma's createMany costs about ten times as much here).
    const u = (f: (c: (typeof creates)[number]) => string | null) => creates.map(f);
    await sql(
      `insert into "User" (id, email, name, "accountName", "userPrincipalName", dn, source, status, "connectionId", "directoryId", "directoryHash", "directoryStatus", "directoryMark", "createdByRunId", "lastSyncedAt", "createdAt", "updatedAt")
       select v.id, v.email, v.name, v.account, v.upn, v.dn, 'DIRECTORY', v.status::"UserStatus", $11::uuid, v.did, v.hash, v.sv, v.mark, $13::uuid, now(), now(), now()
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $12::text[])
         as v(id, email, name, account, upn, dn, status, did, hash, sv, mark)`,
      [u((c) => c.id), u((c) => c.user.email), u((c) => c.user.fullName), u((c) => c.user.accountName), u((c) => c.user.userPrincipalName), u((c) => c.user.dn),
       u((c) => (c.user.disabled ? "DISABLED" : "ACTIVE")), u((c) => c.user.directoryId), u((c) => c.user.hash), u((c) => c.user.statusValue), connectionId, u((c) => markOf(c.user)), ctx.runId],
    );
    newMemberships.push(...creates.map((c) => ({ userId: c.id, roles: ["ORIGINATOR"] as Role[] })));
    T("create users", t0); t0 = performance.now();
  }
  // The timeline's "created" line of an account comes from its createdByRunId; only an account made because an
  // email changed gets a row, naming the previous account.
  const createdEvents = creates.filter((c) => c.supersedes).map((c) => ({ userId: c.id, action: "created", details: { email: c.user.email, dn: c.user.dn, directoryId: c.user.directoryId, disabled: c.user.disabled, ...(c.supersedes ? { previousAccount: c.supersedes } : {}) } }));
  // Memberships and the timeline's "created" entries are independent: written side by side on two connections.
  await Promise.all([
    newMemberships.length === 0 ? null : sql(
      `insert into "Membership" (id, "userId", "organizationId", roles, "planId", "createdAt")
       select gen_random_uuid(), v.uid, $2::uuid, array['ORIGINATOR']::"Role"[], $3::uuid, now()
       from unnest($1::uuid[]) as v(uid)
       on conflict ("userId", "organizationId") do nothing`,
      [newMemberships.map((m) => m.userId), orgId, ctx.defaultPlanId],
    ),
    createdEvents.length === 0 ? null : insertEvents(createdEvents, ctx.runId),
  ]);
  T("create memberships", t0); t0 = performance.now();
  for (const r of roleChanges) await db.membership.update({ where: { id: r.membershipId }, data: { roles: r.roles } });
  if (updates.length) {
    // One statement for the whole batch.
    const col = (f: (x: (typeof updates)[number]) => string | null) => updates.map(f);
    await sql(
      `update "User" as u set
         name = v.name, "accountName" = v.account, "userPrincipalName" = v.upn, dn = v.dn, "directoryId" = v.did,
         "directoryHash" = v.hash, "directoryStatus" = v.status, "directoryMark" = v.mark, "connectionId" = $9::uuid, source = 'DIRECTORY',
         "supersededById" = null, "lastSyncedAt" = now(), "updatedAt" = now()
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $10::text[]) as v(id, name, account, upn, dn, did, hash, status, mark)
       where u.id = v.id`,
      [col((x) => x.id), col((x) => x.e.fullName), col((x) => x.e.accountName), col((x) => x.e.userPrincipalName), col((x) => x.e.dn), col((x) => x.e.directoryId), col((x) => x.e.hash), col((x) => x.e.statusValue), connectionId, col((x) => markOf(x.e))],
    );
    for (const x of updates) events.push({ userId: x.id, action: x.link ? "linked" : "updated", details: { fields: x.fields } });
  }
  if (reenable.length) {
    const ids = reenable.map((r) => r.id);
    await db.user.updateMany({ where: { id: { in: ids } }, data: { status: "ACTIVE" } });
    await db.notification.updateMany({ where: { userId: { in: ids }, resolvedAt: null }, data: { resolvedAt: stamp } });
    for (const r of reenable) events.push({ userId: r.id, action: "re-enabled", details: { statusValue: r.e.statusValue } });
  }
  if (marks.length) {
    // Unchanged entries whose mark is new (the first full read after an upgrade, or a change that touched no
    // mapped attribute): remember the mark, so that the next full read skips them.
    await sql(`update "User" as u set "directoryMark" = v.mark from unnest($1::uuid[], $2::text[]) as v(id, mark) where u.id = v.id`, [marks.map((m) => m.id), marks.map((m) => m.mark)]);
  }
  if (unsettled.length) await sql(`update "User" set "directoryMark" = null where id = any($1::uuid[])`, [unsettled]);
  T("updates", t0); t0 = performance.now();
  if (events.length) await insertEvents(events, ctx.runId);
  T("events", t0);
}

async function insertEvents(events: { userId: string; action: string; details: object }[], runId: string | null) {
  await sql(
    `insert into "SyncEvent" (id, "userId", "runId", action, details, "createdAt")
     select gen_random_uuid(), v.uid, $4::uuid, v.action, v.details::jsonb, now()
     from unnest($1::uuid[], $2::text[], $3::text[]) as v(uid, action, details)`,
    [events.map((e) => e.userId), events.map((e) => e.action), events.map((e) => JSON.stringify(e.details)), runId],
  );
}

function ctxField(e: MappedEntry) {
  return e.statusValue ? `the status value ${e.statusValue}` : "the entry";
}

/** The plan names people in email order, whatever order the database returned them in. */
function byEmail(items: Iterable<Disable>): Disable[] {
  return [...items].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** Users who own files are not disabled but marked pending transfer, and the organisation's administrators told. */
async function applyDisables(run: Run, ctx: { orgId: string; runId: string | null; dryRun: boolean }) {
  const list = byEmail(run.toDisable.values());
  if (list.length === 0) return;
  const owners = new Set((await db.file.groupBy({ by: ["ownerId"], where: { ownerId: { in: list.map((d) => d.id) } } })).map((g) => g.ownerId));
  const pending = list.filter((d) => owners.has(d.id));
  const disabled = list.filter((d) => !owners.has(d.id));
  for (const d of pending) run.note("pendingTransfer", { email: d.email, name: d.name, reason: d.reason });
  for (const d of disabled) run.note("disable", { email: d.email, name: d.name, reason: d.reason });
  run.counts.pendingTransfer += pending.length;
  run.counts.disabled += disabled.length;
  if (ctx.dryRun) return;
  const supersede = list.filter((d) => d.kind === "superseded" && d.targetUserId);
  for (const d of supersede) await db.user.update({ where: { id: d.id }, data: { supersededById: d.targetUserId } });
  if (disabled.length) await db.user.updateMany({ where: { id: { in: disabled.map((d) => d.id) } }, data: { status: "DISABLED" } });
  if (pending.length) {
    await db.user.updateMany({ where: { id: { in: pending.map((d) => d.id) } }, data: { status: "PENDING_TRANSFER" } });
    const open = new Set((await db.notification.findMany({ where: { userId: { in: pending.map((d) => d.id) }, resolvedAt: null }, select: { userId: true } })).map((n) => n.userId));
    await db.notification.createMany({
      data: pending.filter((d) => !open.has(d.id)).map((d) => ({ organizationId: ctx.orgId, userId: d.id, kind: d.kind === "superseded" ? ("EMAIL_CHANGED" as const) : ("OWNERSHIP_TRANSFER" as const), targetUserId: d.targetUserId ?? null })),
    });
  }
  await insertEvents(list.map((d) => ({ userId: d.id, action: owners.has(d.id) ? "pending-transfer" : "disabled", details: { reason: d.reason } })), ctx.runId);
}
