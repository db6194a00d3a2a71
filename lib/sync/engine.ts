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
import { insertEvents, loadKnown, processBatch, type BatchCtx, type Known } from "@/lib/sync/batch";
import { listThenRead } from "@/lib/sync/listing";
import {
  countAccounts,
  finishRun,
  loadConnection,
  recordConflicts,
  recordProgress,
  startRun,
  tenantScope,
  writeLog,
  type Counts,
} from "@/lib/sync/records";
import type { SyncTrigger } from "@/lib/generated/prisma/enums";
import type { ConnectionValues } from "@/lib/connections/schema";

// One synchronisation run of one connection, from lock to result: read (lib/sync/listing.ts for a connection
// synchronised before, else page by page here), decide and write (lib/sync/batch.ts), then disable what the
// complete read no longer has — never after an incomplete read, and not past the threshold without
// confirmation.

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

async function runLocked(connectionId: string, options: SyncOptions, dryRun: boolean): Promise<SyncOutcome> {
  const tStart = performance.now();
  const stored = await loadConnection(connectionId);
  const connection = { ...stored, ...(options.overrides ?? {}) };
  const orgId = stored.organizationId;
  const now = new Date();

  const incremental =
    !options.full &&
    !dryRun &&
    !options.allowDisable &&
    Boolean(stored.highWaterMark) &&
    Boolean(stored.lastFullSyncAt) &&
    now.getTime() - stored.lastFullSyncAt!.getTime() < stored.fullSyncIntervalMinutes * 60_000;
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

  let directory: DirectoryConnection | undefined;
  // Batches being written: up to two at a time, on their own pool connections, so that the database works on
  // a batch's accounts while it writes the previous batch's memberships.
  const writing: Promise<void>[] = [];
  try {
    const password = options.overrides?.managerPassword || decryptSecret(stored.managerPasswordEnc);
    directory = await DirectoryConnection.open({ ...connection, managerPassword: password });
    await debug("bind", { as: connection.managerDn, url: connection.serverUrl });

    // Active Directory: the high-water mark is read before the search, so nothing changed during it is
    // missed.
    let usnMark: string | null = null;
    const dse = await directory
      .search("", { scope: "base", filter: "(objectClass=*)", attributes: ["highestCommittedUSN"] })
      .catch(() => null);
    usnMark = dse?.entries[0] ? String(dse.entries[0].highestCommittedUSN ?? "") || null : null;

    let filter = connection.syncFilter.trim();
    if (!filter.startsWith("(")) filter = `(${filter})`;
    if (incremental) {
      const mark = stored.highWaterMark!;
      // Strictly after the mark. With second-resolution timestamps, a change made in the mark's own second
      // after the previous read is caught by the next full sync (hourly by default), as deletions are.
      filter = /^\d+$/.test(mark)
        ? `(&${filter}(uSNChanged>=${BigInt(mark) + 1n}))`
        : `(&${filter}(modifyTimestamp>=${mark})(!(modifyTimestamp=${mark})))`;
    }
    const attributes = [
      connection.accountNameField,
      connection.emailField,
      connection.userPrincipalNameField,
      connection.fullNameField,
      connection.statusField,
      ...computedStatusAttributes(connection.preset),
      ...STABLE_ID_ATTRIBUTES,
      ...CHANGE_ATTRIBUTES,
    ];
    await debug("search", { base: connection.baseDn, filter, kind });

    const batchCtx: BatchCtx = {
      run,
      connectionId,
      orgId,
      defaultPlanId: stored.defaultPlanId,
      verifiedDomains: scope.verifiedDomains,
      keptApart: scope.keptApart,
      dryRun,
      runId: runId,
      markKey: mappingKey(connection),
    };
    let lastProgress = 0;
    const progress = async (read: number) => {
      // The progress bar reads this; more than a few writes a second would only cost time.
      if (runId && Date.now() - lastProgress > 500) {
        lastProgress = Date.now();
        await recordProgress(runId, read);
      }
      options.onProgress?.(read);
    };

    T("setup", tStart);
    // A connection synchronised before is listed first (ids and change marks only); only entries that changed
    // are read in full. Without marks, or when much changed, everything is read.
    let tp = performance.now();
    const listed =
      kind === "FULL" &&
      !dryRun &&
      !options.overrides &&
      Boolean(stored.lastFullSyncAt) &&
      (await listThenRead(
        directory,
        {
          baseDn: connection.baseDn,
          filter,
          attributes,
          fields: connection,
          previousMark: stored.highWaterMark,
          preset: connection.preset,
        },
        batchCtx,
        progress,
        debug,
      ));
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
      for await (const page of prefetch(
        directory.searchPages(
          connection.baseDn,
          { scope: "sub", filter, attributes, explicitBufferAttributes: ["objectGUID"] },
          PAGE_SIZE,
        ),
      )) {
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
        // Accounts of this connection known at the start that the complete read did not see are gone.
        // (Accounts created during the run are all seen.)
        for (const u of known.byEmail.values()) {
          if (
            u.source === "DIRECTORY" &&
            !u.protected &&
            !u.supersededById &&
            u.status === "ACTIVE" &&
            !run.seen.has(u.id) &&
            !run.toDisable.has(u.id)
          ) {
            run.toDisable.set(u.id, {
              id: u.id,
              email: u.email,
              name: u.name,
              kind: "gone",
              reason: "no longer in the directory under Base DN and Sync filter",
            });
          }
        }
      }
    }

    T("gone", tp);
    tp = performance.now();
    const total = run.accounts ?? (await countAccounts(connectionId));
    const wouldDisable = [...run.toDisable.values()].filter((d) => d.kind !== "superseded").length;
    const limit = Math.min(
      Math.ceil((stored.disableThresholdPercent / 100) * total),
      stored.disableThresholdCount,
    );
    if (!options.allowDisable && wouldDisable > 0 && wouldDisable > limit) {
      const heldReason =
        `This run would disable ${wouldDisable} of ${total} users, more than the threshold ` +
        `(${stored.disableThresholdPercent}% or ${stored.disableThresholdCount}). ` +
        "Nothing was disabled: confirm to apply.";
      for (const d of byEmail(run.toDisable.values()))
        run.note("disable", { email: d.email, name: d.name, reason: d.reason });
      if (!dryRun) {
        await log("WARNING", heldReason);
        await finish(
          runId!,
          connectionId,
          stored.syncIntervalMinutes,
          run,
          { status: "HELD", heldReason },
          null,
          kind,
        );
      }
      return {
        runId: runId,
        status: "HELD",
        kind,
        counts: run.counts,
        warnings: run.warnings,
        heldReason,
        plan: run.plan,
        wouldDisable,
      };
    }
    T("count", tp);
    tp = performance.now();
    await applyDisables(run, { orgId, runId: runId, dryRun });
    tellTenantSkips(run, scope.verifiedDomains);
    if (!dryRun) await recordConflicts(orgId, connectionId, run.conflicts);
    T("disables", tp);
    tp = performance.now();
    if (!dryRun && kind === "FULL")
      await syncGroups(directory, { ...connection, connectionId, orgId }, run.warn.bind(run));
    T("groups", tp);
    tp = performance.now();

    const mark = usnMark ?? run.maxChangeMark ?? stored.highWaterMark;
    if (!dryRun) {
      for (const w of run.warnings.slice(0, 50)) await log("WARNING", w);
      if (run.warningCount > 50)
        await log("WARNING", `${run.warningCount - 50} more warnings in run ${runId!}.`);
      await log(
        "INFO",
        `${kind === "FULL" ? "Full" : "Incremental"} sync: ${run.counts.entriesRead} read, ` +
          `${run.counts.created} created, ${run.counts.updated} updated, ${run.counts.disabled} disabled, ` +
          `${run.counts.pendingTransfer} pending transfer, ${run.counts.reenabled} re-enabled.`,
      );
      await finish(
        runId!,
        connectionId,
        stored.syncIntervalMinutes,
        run,
        { status: "SUCCEEDED" },
        mark,
        kind,
      );
    }
    T("finish", tp);
    return {
      runId: runId,
      status: "SUCCEEDED",
      kind,
      counts: run.counts,
      warnings: run.warnings,
      plan: dryRun ? run.plan : undefined,
      wouldDisable: run.counts.disabled + run.counts.pendingTransfer,
    };
  } catch (error) {
    // A batch still being written finishes before the run is marked failed and the lock released.
    await Promise.allSettled(writing);
    const message =
      error instanceof DirectoryError
        ? error.message
        : "The synchronisation failed unexpectedly; see the server log.";
    if (!(error instanceof DirectoryError)) console.error("sync failed", error);
    if (!dryRun) {
      await log(
        "ERROR",
        `Sync failed after ${run.counts.entriesRead} entries: ${message} Nothing was disabled.`,
      );
      await finish(
        runId!,
        connectionId,
        stored.syncIntervalMinutes,
        run,
        { status: "FAILED", error: message },
        null,
        kind,
      );
    }
    return {
      runId: runId,
      status: "FAILED",
      kind,
      counts: run.counts,
      warnings: run.warnings,
      error: message,
      plan: dryRun ? run.plan : undefined,
    };
  } finally {
    await directory?.close();
  }
}

async function finish(
  runId: string,
  connectionId: string,
  intervalMinutes: number,
  run: Run,
  result: { status: "SUCCEEDED" | "FAILED" | "HELD"; error?: string; heldReason?: string },
  mark: string | null,
  kind: "FULL" | "INCREMENTAL",
) {
  const warnings =
    run.warningCount > run.warnings.length
      ? [...run.warnings, `… and ${run.warningCount - run.warnings.length} more`]
      : run.warnings;
  await finishRun(runId, connectionId, {
    ...result,
    counts: run.counts,
    warnings,
    full: kind === "FULL",
    mark,
    intervalMinutes,
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
 * Users who own files are not disabled but marked pending transfer, and the organisation's administrators
 * told.
 */
async function applyDisables(run: Run, ctx: { orgId: string; runId: string | null; dryRun: boolean }) {
  const list = byEmail(run.toDisable.values());
  if (list.length === 0) return;
  const owners = new Set(
    // Files in this organisation: what another organisation's members own is that organisation's business.
    (
      await db.file.groupBy({
        by: ["ownerId"],
        where: { ownerId: { in: list.map((d) => d.id) }, organizationId: ctx.orgId },
      })
    ).map((g) => g.ownerId),
  );
  const pending = list.filter((d) => owners.has(d.id));
  const disabled = list.filter((d) => !owners.has(d.id));
  for (const d of pending) run.note("pendingTransfer", { email: d.email, name: d.name, reason: d.reason });
  for (const d of disabled) run.note("disable", { email: d.email, name: d.name, reason: d.reason });
  run.counts.pendingTransfer += pending.length;
  run.counts.disabled += disabled.length;
  if (ctx.dryRun) return;
  const supersede = list.filter((d) => d.kind === "superseded" && d.targetUserId);
  for (const d of supersede)
    await db.user.update({ where: { id: d.id }, data: { supersededById: d.targetUserId } });
  if (disabled.length)
    await db.user.updateMany({
      where: { id: { in: disabled.map((d) => d.id) } },
      data: { status: "DISABLED" },
    });
  if (pending.length) {
    await db.user.updateMany({
      where: { id: { in: pending.map((d) => d.id) } },
      data: { status: "PENDING_TRANSFER" },
    });
    const open = new Set(
      (
        await db.notification.findMany({
          where: {
            userId: { in: pending.map((d) => d.id) },
            resolvedAt: null,
            kind: { not: "IDENTITY_CONFLICT" },
          },
          select: { userId: true },
        })
      ).map((n) => n.userId),
    );
    await db.notification.createMany({
      data: pending
        .filter((d) => !open.has(d.id))
        .map((d) => ({
          organizationId: ctx.orgId,
          userId: d.id,
          kind: d.kind === "superseded" ? ("EMAIL_CHANGED" as const) : ("OWNERSHIP_TRANSFER" as const),
          targetUserId: d.targetUserId ?? null,
        })),
    });
  }
  await insertEvents(
    list.map((d) => ({
      userId: d.id,
      action: owners.has(d.id) ? "pending-transfer" : "disabled",
      details: { reason: d.reason },
    })),
    ctx.runId,
  );
}
