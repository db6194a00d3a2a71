import "server-only";
import crypto from "node:crypto";
import type { LdapConnection } from "@/lib/generated/prisma/client";
import type { LogLevel, SyncKind, SyncTrigger } from "@/lib/generated/prisma/enums";
import { NOW_UTC, sql } from "@/lib/sync/sql";

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

export async function connectionOrder(organizationId: string) {
  return sql<{ id: string; name: string; position: number; enabled: boolean }>(
    `select id, name, position, enabled from "LdapConnection" where "organizationId" = $1::uuid`,
    [organizationId],
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
