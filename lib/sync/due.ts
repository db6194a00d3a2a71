import "server-only";
import { db } from "@/lib/db";
import { syncConnection, type SyncOutcome } from "@/lib/sync/engine";
import type { SyncTrigger } from "@/lib/generated/prisma/enums";

export type DueSummary = {
  checkedAt: string;
  ran: {
    connectionId: string;
    name: string;
    status: SyncOutcome["status"];
    kind: SyncOutcome["kind"];
    counts: SyncOutcome["counts"];
    error?: string;
  }[];
};

/**
 * Runs every enabled, reviewed connection whose next sync is due. The cron route, the scheduler and the CLI
 * call this.
 */
export async function runDueConnections(
  options: { trigger?: SyncTrigger; organizationId?: string; connectionId?: string; force?: boolean } = {},
): Promise<DueSummary> {
  const now = new Date();
  const due = await db.ldapConnection.findMany({
    where: {
      enabled: true,
      awaitingReview: false,
      ...(options.organizationId ? { organizationId: options.organizationId } : {}),
      ...(options.connectionId ? { id: options.connectionId } : {}),
      ...(options.force ? {} : { OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }] }),
    },
    orderBy: [{ organizationId: "asc" }, { position: "asc" }],
    select: { id: true, name: true },
  });
  const ran: DueSummary["ran"] = [];
  for (const c of due) {
    const outcome = await syncConnection(c.id, { trigger: options.trigger ?? "CRON" });
    ran.push({
      connectionId: c.id,
      name: c.name,
      status: outcome.status,
      kind: outcome.kind,
      counts: outcome.counts,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }
  return { checkedAt: now.toISOString(), ran };
}
