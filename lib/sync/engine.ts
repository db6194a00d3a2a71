import "server-only";
import crypto from "node:crypto";
import os from "node:os";
import { db } from "@/lib/db";
import { emailOpenNotifications } from "@/lib/notifications/email";
import { mailConfigured } from "@/lib/mail";
import { decryptSecret } from "@/lib/crypto";
import { DirectoryConnection } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import { computedStatusAttributes } from "@/lib/directory/presets";
import { CHANGE_ATTRIBUTES, STABLE_ID_ATTRIBUTES, mappingKey } from "@/lib/sync/map";
import { syncGroups } from "@/lib/sync/groups";
import { tryLockConnection } from "@/lib/sync/lock";
import { PAGE_SIZE, Run, T, mapPage, prefetch, type Disable, type SyncPlan } from "@/lib/sync/run";
import { loadKnown, processBatch, type BatchCtx, type Known } from "@/lib/sync/batch";
import { writeFinish } from "@/lib/sync/write";
import { sql } from "@/lib/sync/sql";
import { normaliseFilter } from "@/lib/directory/filter";
import { listThenRead } from "@/lib/sync/listing";
import {
  countAccounts,
  finishRun,
  loadConnection,
  recordProgress,
  startRun,
  tenantScope,
  writeLog,
  type Counts,
  type StoredConnection,
} from "@/lib/sync/records";
import type { SyncTrigger } from "@/lib/generated/prisma/enums";
import type { ConnectionValues } from "@/lib/connections/schema";

// One synchronisation run of one connection, from lock to result, in steps: prepare, read (lib/sync/listing.ts
// for a connection synchronised before, else page by page here) with each batch decided and written
// (lib/sync/batch.ts), find what is gone, hold over the threshold, apply disables, groups, finish. Nothing is
// disabled after an incomplete read, nor past the threshold without confirmation.

const RUNNER_ID = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

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

export type { PlanItem, SyncPlan } from "@/lib/sync/run";

export type SyncOutcome = {
  runId: string | null;
  status: "SUCCEEDED" | "FAILED" | "HELD" | "SKIPPED";
  kind: "FULL" | "INCREMENTAL";
  counts: Counts;
  warnings: string[];
  error?: string;
  heldReason?: string;
  plan?: SyncPlan;
  /** How many users the run would disable or mark pending transfer (also when it was held). */
  wouldDisable?: number;
};

/**
 * Synchronises one connection: read the directory page by page, decide, write in batches. Nothing is ever
 * written to the directory. Invariants: never disable on an incomplete read; hold a run that would disable
 * more than the threshold until an administrator confirms; one run per connection at a time (advisory lock).
 */
export async function syncConnection(connectionId: string, options: SyncOptions): Promise<SyncOutcome> {
  const dryRun = Boolean(options.dryRun);
  const lock = dryRun ? null : await tryLockConnection(connectionId);
  const empty = {
    entriesRead: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    disabled: 0,
    reenabled: 0,
    pendingTransfer: 0,
  };
  if (!dryRun && !lock)
    return {
      runId: null,
      status: "SKIPPED",
      kind: "FULL",
      counts: empty,
      warnings: ["A synchronisation of this connection is already running."],
    };
  let outcome: SyncOutcome;
  try {
    outcome = await runLocked(connectionId, options, dryRun);
  } finally {
    await lock?.release();
  }
  // The administrators hear about users with files to transfer by e-mail too, when SMTP is configured.
  if (!dryRun && outcome.status === "SUCCEEDED" && mailConfigured()) {
    const { organizationId } = await db.ldapConnection.findUniqueOrThrow({
      where: { id: connectionId },
      select: { organizationId: true },
    });
    await emailOpenNotifications(organizationId);
  }
  return outcome;
}

/** What the steps of one run share. */
type RunState = {
  connectionId: string;
  options: SyncOptions;
  dryRun: boolean;
  stored: StoredConnection;
  connection: StoredConnection;
  orgId: string;
  kind: "FULL" | "INCREMENTAL";
  runId: string | null;
  verifiedDomains: Set<string>;
  run: Run;
  batchCtx: BatchCtx;
  log: (level: "DEBUG" | "INFO" | "WARNING" | "ERROR", message: string, details?: object) => Promise<void>;
  debug: (message: string, details?: object) => Promise<void>;
};

async function runLocked(connectionId: string, options: SyncOptions, dryRun: boolean): Promise<SyncOutcome> {
  const tStart = performance.now();
  const s = await prepare(connectionId, options, dryRun);
  let directory: DirectoryConnection | undefined;
  try {
    const password = options.overrides?.managerPassword || decryptSecret(s.stored.managerPasswordEnc);
    directory = await DirectoryConnection.open({ ...s.connection, managerPassword: password });
    await s.debug("bind", { as: s.connection.managerDn, url: s.connection.serverUrl });
    const usnMark = await highestUsn(directory);
    T("setup", tStart);
    const known = await readAndDecide(s, directory);
    let tp = performance.now();
    if (s.kind === "FULL") await findGone(s, known);
    T("gone", tp);
    tp = performance.now();
    const held = await holdOverThreshold(s);
    if (held) return held;
    T("count", tp);
    tp = performance.now();
    await applyDisables(s);
    T("disables", tp);
    tp = performance.now();
    if (!dryRun && s.kind === "FULL")
      await syncGroups(directory, { ...s.connection, connectionId, orgId: s.orgId }, s.run.warn.bind(s.run));
    T("groups", tp);
    tp = performance.now();
    const outcome = await succeed(s, usnMark ?? s.run.maxChangeMark ?? s.stored.highWaterMark);
    T("finish", tp);
    return outcome;
  } catch (error) {
    return await fail(s, error);
  } finally {
    await directory?.close();
  }
}

/** Loads the connection, chooses the kind of read, and records the run (marking a dead process's failed). */
async function prepare(connectionId: string, options: SyncOptions, dryRun: boolean): Promise<RunState> {
  const stored = await loadConnection(connectionId);
  const connection = { ...stored, ...(options.overrides ?? {}) };
  const orgId = stored.organizationId;
  const incremental =
    !options.full &&
    !dryRun &&
    !options.allowDisable &&
    Boolean(stored.highWaterMark) &&
    Boolean(stored.lastFullSyncAt) &&
    Date.now() - stored.lastFullSyncAt!.getTime() < stored.fullSyncIntervalMinutes * 60_000;
  const kind = incremental ? "INCREMENTAL" : "FULL";
  // A run left RUNNING by a process that died is marked failed as this one starts: we hold the lock.
  const [runId, scope] = await Promise.all([
    dryRun ? null : startRun(connectionId, options.trigger, kind, RUNNER_ID),
    tenantScope(orgId, connectionId),
  ]);
  const run = new Run();
  const log = (level: "DEBUG" | "INFO" | "WARNING" | "ERROR", message: string, details: object = {}) =>
    dryRun ? Promise.resolve() : writeLog({ organizationId: orgId, connectionId, level, message, details });
  const debug = (message: string, details: object = {}) =>
    stored.debugLogging ? log("DEBUG", message, details) : Promise.resolve();
  const batchCtx: BatchCtx = {
    run,
    connectionId,
    orgId,
    defaultPlanId: stored.defaultPlanId,
    verifiedDomains: scope.verifiedDomains,
    keptApart: scope.keptApart,
    dryRun,
    runId,
    markKey: mappingKey(connection),
  };
  return {
    connectionId,
    options,
    dryRun,
    stored,
    connection,
    orgId,
    kind,
    runId,
    verifiedDomains: scope.verifiedDomains,
    run,
    batchCtx,
    log,
    debug,
  };
}

/**
 * Active Directory: the high-water mark is read before the search, so nothing changed during it is missed.
 */
async function highestUsn(directory: DirectoryConnection): Promise<string | null> {
  const dse = await directory
    .search("", { scope: "base", filter: "(objectClass=*)", attributes: ["highestCommittedUSN"] })
    .catch(() => null);
  return dse?.entries[0] ? String(dse.entries[0].highestCommittedUSN ?? "") || null : null;
}

function searchFilter(s: RunState): string {
  const filter = normaliseFilter(s.connection.syncFilter);
  if (s.kind === "FULL") return filter;
  const mark = s.stored.highWaterMark!;
  // Strictly after the mark. With second-resolution timestamps, a change made in the mark's own second
  // after the previous read is caught by the next full sync (hourly by default), as deletions are.
  return /^\d+$/.test(mark)
    ? `(&${filter}(uSNChanged>=${BigInt(mark) + 1n}))`
    : `(&${filter}(modifyTimestamp>=${mark})(!(modifyTimestamp=${mark})))`;
}

/**
 * Reads the directory, deciding and writing batch by batch. A connection synchronised before is listed first
 * (ids and change marks only; lib/sync/listing.ts) and only entries that changed are read in full; without
 * marks, or when much changed, every entry is read page by page. Preview takes the same path: only the
 * write step is skipped. Returns the accounts known at the start of a paged full read.
 */
async function readAndDecide(s: RunState, directory: DirectoryConnection): Promise<Known | undefined> {
  const c = s.connection;
  const filter = searchFilter(s);
  const attributes = [
    c.accountNameField,
    c.emailField,
    c.userPrincipalNameField,
    c.fullNameField,
    c.statusField,
    ...computedStatusAttributes(c.preset),
    ...STABLE_ID_ATTRIBUTES,
    ...CHANGE_ATTRIBUTES,
  ];
  await s.debug("search", { base: c.baseDn, filter, kind: s.kind });
  const progress = progressReporter(s);
  const tp = performance.now();
  const listed =
    s.kind === "FULL" &&
    Boolean(s.stored.lastFullSyncAt) &&
    (await listThenRead(
      directory,
      {
        baseDn: c.baseDn,
        filter,
        attributes,
        fields: c,
        previousMark: s.stored.highWaterMark,
        preset: c.preset,
      },
      s.batchCtx,
      progress,
      s.debug,
    ));
  T("list then read", tp);
  if (listed) return undefined;
  return readPages(s, directory, { filter, attributes }, progress);
}

function progressReporter(s: RunState) {
  let lastProgress = 0;
  return async (read: number) => {
    // The progress bar reads this; more than a few writes a second would only cost time.
    if (s.runId && Date.now() - lastProgress > 500) {
      lastProgress = Date.now();
      await recordProgress(s.runId, read);
    }
    s.options.onProgress?.(read);
  };
}

/**
 * Every entry, page by page. A full read knows the connection's accounts up front (one query, loaded while
 * the first page is read), so that unchanged entries cost no round trip. Pages are mapped while the previous
 * batch is written, and up to two batches are written at a time, each in its own transaction.
 */
async function readPages(
  s: RunState,
  directory: DirectoryConnection,
  search: { filter: string; attributes: string[] },
  progress: (read: number) => Promise<void>,
): Promise<Known | undefined> {
  let tp = performance.now();
  const knownPromise = s.kind === "FULL" ? loadKnown(s.connectionId, s.orgId) : Promise.resolve(undefined);
  knownPromise.catch(() => {});
  let known: Known | undefined;
  const writing: Promise<void>[] = [];
  const options = { scope: "sub" as const, ...search, explicitBufferAttributes: ["objectGUID"] };
  try {
    for await (const page of prefetch(directory.searchPages(s.connection.baseDn, options, PAGE_SIZE))) {
      T("ldap wait", tp);
      const batch = mapPage(page.entries, s.run, s.connection);
      while (writing.length >= 2) await writing.shift();
      known ??= await knownPromise;
      tp = performance.now();
      const read = s.run.counts.entriesRead;
      const write = (async () => {
        await processBatch(batch, { ...s.batchCtx, known });
        await s.debug("page", { entries: page.entries.length, total: read });
        await progress(read);
      })();
      write.catch(() => {}); // awaited above on a later page, or below
      writing.push(write);
    }
    while (writing.length) await writing.shift();
  } finally {
    // A batch still being written finishes before the run is marked failed and the lock released.
    await Promise.allSettled(writing);
  }
  return known ?? (await knownPromise);
}

/**
 * The read is complete: only now may anything be disabled. Accounts of this connection known at the start
 * that a paged read did not see are gone (a listing finds its own). Deletions are found by full reads only.
 * Any read also finishes an email change a crashed run left half done: an old account already superseded but
 * still active.
 */
async function findGone(s: RunState, known: Known | undefined) {
  const { run } = s;
  const gone = (u: { id: string; email: string; name: string }) =>
    run.toDisable.set(u.id, {
      ...u,
      kind: "gone",
      reason: "no longer in the directory under Base DN and Sync filter",
    });
  for (const u of known?.byEmail.values() ?? []) {
    if (u.source !== "DIRECTORY" || u.protected || u.supersededById || u.status !== "ACTIVE") continue;
    if (!run.seen.has(u.id) && !run.toDisable.has(u.id)) gone(u);
  }
  for (const u of await supersededButActive(s.connectionId)) {
    if (run.seen.has(u.id) || run.toDisable.has(u.id)) continue;
    run.toDisable.set(u.id, {
      id: u.id,
      email: u.email,
      name: u.name,
      kind: "superseded",
      reason: "email changed in the directory",
      targetUserId: u.supersededById,
    });
  }
}

/** A run that would disable more than the threshold stops here, having disabled nothing. */
async function holdOverThreshold(s: RunState): Promise<SyncOutcome | null> {
  const { run, stored } = s;
  const total = run.accounts ?? (await countAccounts(s.connectionId));
  const wouldDisable = [...run.toDisable.values()].filter((d) => d.kind !== "superseded").length;
  const limit = Math.min(
    Math.ceil((stored.disableThresholdPercent / 100) * total),
    stored.disableThresholdCount,
  );
  if (s.options.allowDisable || wouldDisable === 0 || wouldDisable <= limit) return null;
  const heldReason =
    `This run would disable ${wouldDisable} of ${total} users, more than the threshold ` +
    `(${stored.disableThresholdPercent}% or ${stored.disableThresholdCount}). ` +
    "Nothing was disabled: confirm to apply.";
  for (const d of byEmail(run.toDisable.values()))
    run.note("disable", { email: d.email, name: d.name, reason: d.reason });
  if (!s.dryRun) {
    await s.log("WARNING", heldReason);
    await finish(s, { status: "HELD", heldReason }, null);
  }
  return {
    runId: s.runId,
    status: "HELD",
    kind: s.kind,
    counts: run.counts,
    warnings: run.warnings,
    heldReason,
    plan: run.plan,
    wouldDisable,
  };
}

async function succeed(s: RunState, mark: string | null): Promise<SyncOutcome> {
  const { run } = s;
  if (!s.dryRun) {
    for (const w of run.warnings.slice(0, 50)) await s.log("WARNING", w);
    if (run.warningCount > 50)
      await s.log("WARNING", `${run.warningCount - 50} more warnings in run ${s.runId!}.`);
    await s.log(
      "INFO",
      `${s.kind === "FULL" ? "Full" : "Incremental"} sync: ${run.counts.entriesRead} read, ` +
        `${run.counts.created} created, ${run.counts.updated} updated, ${run.counts.disabled} disabled, ` +
        `${run.counts.pendingTransfer} pending transfer, ${run.counts.reenabled} re-enabled.`,
    );
    await finish(s, { status: "SUCCEEDED" }, mark);
  }
  return {
    runId: s.runId,
    status: "SUCCEEDED",
    kind: s.kind,
    counts: run.counts,
    warnings: run.warnings,
    plan: s.dryRun ? run.plan : undefined,
    wouldDisable: run.counts.disabled + run.counts.pendingTransfer,
  };
}

async function fail(s: RunState, error: unknown): Promise<SyncOutcome> {
  const message =
    error instanceof DirectoryError
      ? error.message
      : "The synchronisation failed unexpectedly; see the server log.";
  if (!(error instanceof DirectoryError)) console.error("sync failed", error);
  if (!s.dryRun) {
    await s.log(
      "ERROR",
      `Sync failed after ${s.run.counts.entriesRead} entries: ${message} Nothing was disabled.`,
    );
    await finish(s, { status: "FAILED", error: message }, null);
  }
  return {
    runId: s.runId,
    status: "FAILED",
    kind: s.kind,
    counts: s.run.counts,
    warnings: s.run.warnings,
    error: message,
    plan: s.dryRun ? s.run.plan : undefined,
  };
}

async function finish(
  s: RunState,
  result: { status: "SUCCEEDED" | "FAILED" | "HELD"; error?: string; heldReason?: string },
  mark: string | null,
) {
  const { run } = s;
  const warnings =
    run.warningCount > run.warnings.length
      ? [...run.warnings, `… and ${run.warningCount - run.warnings.length} more`]
      : run.warnings;
  await finishRun(s.runId!, s.connectionId, {
    ...result,
    counts: run.counts,
    warnings,
    full: s.kind === "FULL",
    mark,
    intervalMinutes: s.stored.syncIntervalMinutes,
  });
}

/** One warning per domain that is not verified, and one per identity conflict, naming both entries. */
function tellTenantSkips(run: Run, verified: Set<string>) {
  for (const [domain, count] of run.unverified)
    run.warn(
      `${count} ${count === 1 ? "entry was" : "entries were"} skipped: ` +
        `${domain} is not a verified domain of this organisation` +
        `${verified.size ? ` (verified: ${[...verified].sort().join(", ")})` : ""}. ` +
        "Verify it on the Domains page.",
    );
  for (const c of run.conflicts)
    run.warn(
      `Identity conflict: ${c.entry.dn} has the email ${c.email}, which is already the account of ` +
        `${c.existing.dn ?? "another entry"}. ` +
        "Nothing changed: an administrator decides on the Notifications page.",
    );
}

/** The plan names people in email order, whatever order the database returned them in. */
function byEmail(items: Iterable<Disable>): Disable[] {
  return [...items].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/**
 * Users who own files in this organisation are not disabled but marked pending transfer, and the
 * organisation's administrators told; with conflicts, events and supersede links, in one transaction.
 */
async function applyDisables(s: RunState) {
  const { run } = s;
  const list = byEmail(run.toDisable.values());
  // Files in this organisation: what another organisation's members own is that organisation's business.
  const owners = new Set(
    list.length === 0
      ? []
      : (
          await sql<{ id: string }>(
            `select distinct "ownerId" as id from "File"
             where "ownerId" = any($1::uuid[]) and "organizationId" = $2::uuid`,
            [list.map((d) => d.id), s.orgId],
          )
        ).map((r) => r.id),
  );
  const pending = list.filter((d) => owners.has(d.id));
  const disabled = list.filter((d) => !owners.has(d.id));
  for (const d of pending) run.note("pendingTransfer", { email: d.email, name: d.name, reason: d.reason });
  for (const d of disabled) run.note("disable", { email: d.email, name: d.name, reason: d.reason });
  run.counts.pendingTransfer += pending.length;
  run.counts.disabled += disabled.length;
  tellTenantSkips(run, s.verifiedDomains);
  if (s.dryRun) return;
  await writeFinish({ disabled, pending, conflicts: run.conflicts }, { ...s.batchCtx });
}

/** The current accounts an email change replaced whose disabling a crashed run never wrote. */
async function supersededButActive(connectionId: string) {
  return sql<{ id: string; email: string; name: string; supersededById: string }>(
    `select id, email, name, "supersededById" from "User"
     where "connectionId" = $1::uuid and source = 'DIRECTORY' and "supersededById" is not null
       and status = 'ACTIVE' and not "isPlatformAdmin" and not "isBuiltinAdmin"`,
    [connectionId],
  );
}
