import "server-only";
import { db } from "@/lib/db";
import { NotFoundError, UserError } from "@/lib/errors";
import { syncConnection, type SyncOutcome } from "@/lib/sync/engine";
import { assertStoredPasswordStays } from "@/lib/connections/service";
import type { ConnectionValues } from "@/lib/connections/schema";
import type { SyncTrigger } from "@/lib/generated/prisma/enums";
import type { OrgCtx } from "@/lib/auth/org-context";

async function own(ctx: OrgCtx, connectionId: string) {
  const c = await db.ldapConnection.findFirst({
    where: { id: connectionId, organizationId: ctx.organizationId },
    select: { id: true, enabled: true, name: true },
  });
  if (!c) throw new NotFoundError("Connection not found.");
  return c;
}

/**
 * Sync now: starts the run and returns at once; the page follows its progress from the run row. The run
 * continues in this server process; the advisory lock keeps it single if the cron starts it too.
 */
export async function startSync(ctx: OrgCtx, connectionId: string, trigger: SyncTrigger) {
  const c = await own(ctx, connectionId);
  if (!c.enabled) throw new UserError(`${c.name} is disabled: enable it to synchronise.`);
  const running = await db.syncRun.findFirst({
    where: { connectionId, status: "RUNNING" },
    select: { id: true },
  });
  if (running) throw new UserError("A synchronisation of this connection is running already.");
  await db.auditLog.create({
    data: {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: trigger === "CONFIRMATION" ? "sync.confirm" : "sync.start",
      targetType: "connection",
      targetId: connectionId,
    },
  });
  // An administrator's Sync now reads everything (deletions
  // included); the cron reads changes between full syncs.
  void syncConnection(connectionId, { trigger, allowDisable: trigger === "CONFIRMATION", full: true }).catch(
    (error) => console.error("sync failed", error),
  );
  // Give the run a moment to create its row, so that the page shows it at once.
  for (let i = 0; i < 20; i++) {
    if (
      await db.syncRun.findFirst({
        where: {
          connectionId,
          status: { in: ["RUNNING"] },
          startedAt: { gte: new Date(Date.now() - 10_000) },
        },
        select: { id: true },
      })
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type Preview = Pick<
  SyncOutcome,
  "status" | "counts" | "warnings" | "error" | "heldReason" | "plan" | "wouldDisable"
>;

export async function previewSync(
  ctx: OrgCtx,
  connectionId: string,
  values?: ConnectionValues,
): Promise<Preview> {
  await own(ctx, connectionId);
  if (values) {
    const stored = await db.ldapConnection.findUniqueOrThrow({
      where: { id: connectionId },
      select: { serverUrl: true, managerDn: true },
    });
    assertStoredPasswordStays(stored, values);
  }
  const overrides = values ? { ...values, managerPassword: values.managerPassword || undefined } : undefined;
  const outcome = await syncConnection(connectionId, {
    trigger: "MANUAL",
    dryRun: true,
    full: true,
    overrides: overrides,
  });
  return {
    status: outcome.status,
    counts: outcome.counts,
    warnings: outcome.warnings.slice(0, 50),
    error: outcome.error,
    heldReason: outcome.heldReason,
    plan: outcome.plan,
    wouldDisable: outcome.wouldDisable,
  };
}
