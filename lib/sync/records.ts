import "server-only";
import crypto from "node:crypto";
import type { LdapConnection } from "@/lib/generated/prisma/client";
import type { LogLevel, SyncKind, SyncTrigger } from "@/lib/generated/prisma/enums";
import { NOW_UTC, sql, type Tx } from "@/lib/sync/sql";
import type { IdentityConflict } from "@/lib/sync/run";

// The run's own records (the connection it reads, its SyncRun row, progress, log lines, the result), written
// through the sync's pg pool: Prisma compiles each query shape on its first use in a process, which costs a
// fresh server more than the statements themselves, and the sync runs a dozen of them.

export type StoredConnection = LdapConnection & { defaultPlanId: string };

export type Counts = {
  entriesRead: number;
  created: number;
  updated: number;
  unchanged: number;
  disabled: number;
  reenabled: number;
  pendingTransfer: number;
};

export async function loadConnection(connectionId: string): Promise<StoredConnection> {
  const [row] = await sql<StoredConnection>(
    `select c.*, o."defaultPlanId" from "LdapConnection" c join "Organization" o on o.id = ` +
      `c."organizationId" where c.id = $1::uuid`,
    [connectionId],
  );
  if (!row) throw new Error(`No LDAP connection ${connectionId}.`);
  return row;
}

/**
 * What the tenant rule needs for a run: the organisation's verified email domains, and the conflicts of this
 * connection an administrator decided to keep apart (`${userId} ${directoryId}`).
 */
export async function tenantScope(
  organizationId: string,
  connectionId: string,
): Promise<{ verifiedDomains: Set<string>; keptApart: Set<string> }> {
  const [domains, apart] = await Promise.all([
    sql<{ name: string }>(
      `select lower(name) as name from "Domain"
       where "organizationId" = $1::uuid and "verifiedAt" is not null`,
      [organizationId],
    ),
    sql<{ key: string }>(
      `select "userId"::text || ' ' || coalesce(details->'entry'->>'directoryId', '') as key
       from "Notification" where kind = 'IDENTITY_CONFLICT' and resolution = 'KEPT_APART'
         and details->>'connectionId' = $1::text`,
      [connectionId],
    ),
  ]);
  return {
    verifiedDomains: new Set(domains.map((d) => d.name)),
    keptApart: new Set(apart.map((a) => a.key)),
  };
}

/**
 * Records a run's identity conflicts as notifications to the organisation's administrators, one open
 * notification per account and claiming entry, in one statement.
 */
export async function recordConflicts(
  organizationId: string,
  connectionId: string,
  conflicts: IdentityConflict[],
  tx: Tx = { query: sql },
): Promise<void> {
  const unique = [...new Map(conflicts.map((c) => [`${c.userId} ${c.entry.directoryId}`, c])).values()];
  if (unique.length === 0) return;
  await tx.query(
    `insert into "Notification" (id, "organizationId", kind, "userId", details, "createdAt")
     select gen_random_uuid(), $1::uuid, 'IDENTITY_CONFLICT', v.uid, v.details::jsonb, ${NOW_UTC}
     from unnest($2::uuid[], $3::text[], $4::text[]) as v(uid, details, did)
     where not exists (
       select 1 from "Notification" n
       where n."userId" = v.uid and n.kind = 'IDENTITY_CONFLICT' and n."resolvedAt" is null
         and n.details->>'connectionId' = $5::text
         and coalesce(n.details->'entry'->>'directoryId', '') = v.did)`,
    [
      organizationId,
      unique.map((c) => c.userId),
      unique.map((c) =>
        JSON.stringify({ connectionId, email: c.email, entry: c.entry, existing: c.existing }),
      ),
      unique.map((c) => c.entry.directoryId ?? ""),
      connectionId,
    ],
  );
}

/** The connection's current accounts (not those an email change replaced): the disable threshold's base. */
export async function countAccounts(connectionId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(
    `select count(*)::int as n from "User" where "connectionId" = $1::uuid and source = 'DIRECTORY' ` +
      `and "supersededById" is null`,
    [connectionId],
  );
  return row.n;
}

/** Marks runs a dead process left RUNNING as failed (the caller holds the lock), and records the new run. */
export async function startRun(
  connectionId: string,
  trigger: SyncTrigger,
  kind: SyncKind,
  runnerId: string,
): Promise<string> {
  const id = crypto.randomUUID();
  await sql(
    `with interrupted as (
       update "SyncRun" set status = 'FAILED', "finishedAt" = ${NOW_UTC},
         error = 'Interrupted: the process running it stopped before it finished.'
       where "connectionId" = $2::uuid and status = 'RUNNING')
     insert into "SyncRun" (id, "connectionId", trigger, kind, "runnerId", "startedAt")
     values ($1::uuid, $2::uuid, $3::"SyncTrigger", $4::"SyncKind", $5, ${NOW_UTC})`,
    [id, connectionId, trigger, kind, runnerId],
  );
  return id;
}

export async function recordProgress(runId: string, entriesRead: number) {
  await sql(`update "SyncRun" set "entriesRead" = $2 where id = $1::uuid`, [runId, entriesRead]);
}

export async function writeLog(entry: {
  organizationId: string;
  connectionId: string;
  level: LogLevel;
  message: string;
  details?: object;
}) {
  await sql(
    `insert into "LogEntry" (id, "organizationId", "connectionId", level, message, details, ` +
      `"createdAt") values ($1::uuid, $2::uuid, $3::uuid, $4::"LogLevel", $5, $6::jsonb, ${NOW_UTC})`,
    [
      crypto.randomUUID(),
      entry.organizationId,
      entry.connectionId,
      entry.level,
      entry.message,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}

/**
 * The run's result and counts, and the connection's schedule; a successful run moves the marks on. The
 * connection's updatedAt stays: it says when its settings
 * changed (sign-in keys its manager connection on it).
 */
export async function finishRun(
  runId: string,
  connectionId: string,
  result: {
    status: "SUCCEEDED" | "FAILED" | "HELD";
    error?: string;
    heldReason?: string;
    counts: Counts;
    warnings: string[];
    full: boolean;
    mark: string | null;
    intervalMinutes: number;
  },
) {
  const c = result.counts;
  await sql(
    `with run as (
       update "SyncRun" set status = $2::"SyncStatus", error = $3, "heldReason" = $4, warnings = $5::jsonb,
         "finishedAt" = ${NOW_UTC}, "entriesRead" = $6, created = $7, updated = $8, unchanged = $9,
         disabled = $10, reenabled = $11, "pendingTransfer" = $12
       where id = $1::uuid)
     update "LdapConnection" set "lastSyncAt" = ${NOW_UTC},
       "nextSyncAt" = ${NOW_UTC} + make_interval(mins => $14),
       "lastFullSyncAt" = case when $15 then ${NOW_UTC} else "lastFullSyncAt" end,
       "highWaterMark" = coalesce($16, "highWaterMark")
     where id = $13::uuid`,
    [
      runId,
      result.status,
      result.error ?? null,
      result.heldReason ?? null,
      JSON.stringify(result.warnings),
      c.entriesRead,
      c.created,
      c.updated,
      c.unchanged,
      c.disabled,
      c.reenabled,
      c.pendingTransfer,
      connectionId,
      result.intervalMinutes,
      result.status === "SUCCEEDED" && result.full,
      result.status === "SUCCEEDED" ? result.mark : null,
    ],
  );
}
