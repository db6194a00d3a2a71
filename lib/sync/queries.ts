import "server-only";
import { db } from "@/lib/db";
import { ownsAccount } from "@/lib/users/service";
import type { Counts } from "@/lib/sync/records";

export async function recentRuns(organizationId: string, connectionId: string, take = 20) {
  const connection = await db.ldapConnection.findFirst({
    where: { id: connectionId, organizationId },
    select: { id: true },
  });
  if (!connection) return null;
  const runs = await db.syncRun.findMany({
    where: { connectionId },
    orderBy: { startedAt: "desc" },
    take,
    select: {
      id: true,
      trigger: true,
      kind: true,
      status: true,
      startedAt: true,
      finishedAt: true,
      entriesRead: true,
      created: true,
      updated: true,
      unchanged: true,
      disabled: true,
      reenabled: true,
      pendingTransfer: true,
      warnings: true,
      error: true,
      heldReason: true,
    },
  });
  return runs.map((r) => ({
    ...r,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    warnings: (r.warnings as string[]) ?? [],
  }));
}

export type RunView = NonNullable<Awaited<ReturnType<typeof recentRuns>>>[number];

export async function lastRuns(organizationId: string) {
  const rows = await db.$queryRaw<
    (Omit<Counts, "unchanged"> & { connectionId: string; status: string; startedAt: Date })[]
  >`
    select distinct on (r."connectionId") r."connectionId", r.status::text as status, r."startedAt",
      r."entriesRead", r.created, r.updated, r.disabled, r."pendingTransfer", r.reenabled
    from "SyncRun" r join "LdapConnection" c on c.id = r."connectionId"
    where c."organizationId" = ${organizationId}::uuid and r."dryRun" = false
    order by r."connectionId", r."startedAt" desc`;
  return new Map(rows.map((r) => [r.connectionId, { ...r, startedAt: r.startedAt.toISOString() }]));
}

export type LastRun = NonNullable<ReturnType<Awaited<ReturnType<typeof lastRuns>>["get"]>>;

export async function userTimeline(organizationId: string, userId: string) {
  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
    select: { id: true },
  });
  if (!membership) return null;
  // Groups and timeline entries of this organisation's own connections only; the rest of a person another
  // organisation owns is not this organisation's to see (lib/users/queries.ts outsideView).
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      accountName: true,
      userPrincipalName: true,
      dn: true,
      directoryId: true,
      directoryStatus: true,
      source: true,
      status: true,
      lastSyncedAt: true,
      createdAt: true,
      createdByRunId: true,
      connection: { select: { name: true, organizationId: true } },
      isPlatformAdmin: true,
      isBuiltinAdmin: true,
      _count: { select: { memberships: true } },
      supersededBy: { select: { id: true, email: true } },
      supersedes: { select: { email: true } },
      // Direct and inherited (through a nested group) memberships, both stored by the group sync.
      groupMemberships: {
        where: { group: { organizationId } },
        orderBy: [{ direct: "desc" }, { group: { name: "asc" } }],
        select: {
          direct: true,
          group: { select: { id: true, name: true, dn: true } },
          viaGroup: { select: { name: true } },
        },
      },
      syncEvents: {
        where: { OR: [{ runId: null }, { run: { connection: { organizationId } } }] },
        orderBy: { createdAt: "desc" },
        take: 100,
        select: { id: true, action: true, details: true, createdAt: true, runId: true },
      },
    },
  });
  const outside =
    user.connection?.organizationId !== organizationId && !(await ownsAccount(organizationId, user));
  if (outside)
    return {
      ...user,
      name: user.email,
      accountName: null,
      userPrincipalName: null,
      dn: null,
      directoryId: null,
      directoryStatus: null,
      lastSyncedAt: null,
      connection: null,
      supersededBy: null,
      supersedes: [],
      syncEvents: [],
      outside,
    };
  // Accounts a sync created carry the run instead of a "created" row (lib/sync/engine.ts).
  if (user.createdByRunId && !user.syncEvents.some((e) => e.action === "created")) {
    user.syncEvents.push({
      id: `created-${user.id}`,
      action: "created",
      details: { dn: user.dn },
      createdAt: user.createdAt,
      runId: user.createdByRunId,
    });
  }
  return { ...user, outside };
}
