import "server-only";
import { NOW_UTC, transaction, type Tx } from "@/lib/sync/sql";
import { crashPoint } from "@/lib/sync/crash";
import { markOf, type BatchPlan } from "@/lib/sync/decide";
import type { MappedEntry } from "@/lib/sync/map";
import type { Disable, IdentityConflict } from "@/lib/sync/run";
import { recordConflicts } from "@/lib/sync/records";
import { insertDirectoryAccounts, insertOriginatorMemberships } from "@/lib/identity/accounts";

// Applying plans: a batch's plan in one transaction, and the end of a run (supersede links, disables, pending
// transfers with their notifications, conflicts, events) in another, so that a crash leaves either all of a
// step or none of it. Set-based statements (unnest of arrays), a handful per batch.

export type WriteCtx = {
  connectionId: string;
  orgId: string;
  defaultPlanId: string;
  runId: string | null;
  markKey: string;
};

type Event = { userId: string; action: string; details: object };

export async function writeBatch(plan: BatchPlan, ctx: WriteCtx): Promise<void> {
  await transaction(async (tx) => {
    await insertDirectoryAccounts(
      tx,
      plan.creates.map((c) => ({ id: c.id, entry: c.entry, mark: markOf(c.entry, ctx.markKey) })),
      ctx,
    );
    // An email changed: the new account and the old one's link to it land together.
    await supersede(tx, plan.supersedes);
    await insertOriginatorMemberships(tx, plan.memberships, ctx);
    for (const r of plan.roleChanges)
      await tx.query(`update "Membership" set roles = $2::text[]::"Role"[] where id = $1::uuid`, [
        r.membershipId,
        r.roles,
      ]);
    await applyUpdates(tx, plan.updates, ctx);
    await applyReenables(tx, plan.reenables);
    await applyMarks(tx, plan);
    crashPoint("batch-mid");
    await insertEvents(tx, batchEvents(plan), ctx.runId);
  });
  crashPoint("batch-written");
}

function batchEvents(plan: BatchPlan): Event[] {
  // The timeline's "created" line of an account comes from its createdByRunId; only an account made because
  // an email changed gets a row, naming the previous account.
  const created = plan.creates
    .filter((c) => c.supersedes)
    .map((c) => ({
      userId: c.id,
      action: "created",
      details: {
        email: c.entry.email,
        dn: c.entry.dn,
        directoryId: c.entry.directoryId,
        disabled: c.entry.disabled,
        previousAccount: c.supersedes,
      },
    }));
  const updated = plan.updates.map((x) => ({
    userId: x.id,
    action: x.link ? "linked" : "updated",
    details: { fields: x.fields },
  }));
  const reenabled = plan.reenables.map((r) => ({
    userId: r.id,
    action: "re-enabled",
    details: { statusValue: r.statusValue },
  }));
  return [...created, ...updated, ...reenabled];
}

async function supersede(tx: Tx, links: { id: string; by: string }[]) {
  if (links.length === 0) return;
  await tx.query(
    `update "User" as u set "supersededById" = v.by
     from unnest($1::uuid[], $2::uuid[]) as v(id, by) where u.id = v.id`,
    [links.map((l) => l.id), links.map((l) => l.by)],
  );
}

async function applyUpdates(tx: Tx, updates: BatchPlan["updates"], ctx: WriteCtx) {
  if (updates.length === 0) return;
  const col = (f: (e: MappedEntry) => string | null) => updates.map((x) => f(x.entry));
  await tx.query(
    `update "User" as u set
       name = v.name, "accountName" = v.account, "userPrincipalName" = v.upn, dn = v.dn,
       "directoryId" = v.did,
       "directoryHash" = v.hash, "directoryStatus" = v.status, "directoryMark" = v.mark,
       "connectionId" = $9::uuid, source = 'DIRECTORY',
       "supersededById" = null, "lastSyncedAt" = ${NOW_UTC}, "updatedAt" = ${NOW_UTC}
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::text[], $10::text[]) as v(id, name, account, upn, dn, did, hash, status, mark)
     where u.id = v.id`,
    [
      updates.map((x) => x.id),
      col((e) => e.fullName),
      col((e) => e.accountName),
      col((e) => e.userPrincipalName),
      col((e) => e.dn),
      col((e) => e.directoryId),
      col((e) => e.hash),
      col((e) => e.statusValue),
      ctx.connectionId,
      col((e) => markOf(e, ctx.markKey)),
    ],
  );
  const linked = updates.filter((x) => x.link).map((x) => x.id);
  // A linked local or Ad hoc account signs in through its directory from now on: its console password, any
  // set-password link and every session opened with them end here.
  if (linked.length)
    await tx.query(
      `with ended as (
         update "PasswordLink" set "usedAt" = ${NOW_UTC}
         where "userId" = any($1::uuid[]) and "usedAt" is null)
       update "User" set "passwordHash" = null, "sessionVersion" = "sessionVersion" + 1
       where id = any($1::uuid[]) and "passwordHash" is not null`,
      [linked],
    );
}

async function applyReenables(tx: Tx, reenables: BatchPlan["reenables"]) {
  if (reenables.length === 0) return;
  await tx.query(
    `with accounts as (update "User" set status = 'ACTIVE', "updatedAt" = ${NOW_UTC} where id = any($1::uuid[]))
     update "Notification" set "resolvedAt" = ${NOW_UTC}
     where "userId" = any($1::uuid[]) and "resolvedAt" is null and kind <> 'IDENTITY_CONFLICT'`,
    [reenables.map((r) => r.id)],
  );
}

async function applyMarks(tx: Tx, plan: BatchPlan) {
  if (plan.marks.length)
    // Unchanged entries whose mark is new (the first full read after an upgrade, or a change that touched no
    // mapped attribute): remember the mark, so that the next full read skips them.
    await tx.query(
      `update "User" as u set "directoryMark" = v.mark
       from unnest($1::uuid[], $2::text[]) as v(id, mark) where u.id = v.id`,
      [plan.marks.map((m) => m.id), plan.marks.map((m) => m.mark)],
    );
  // Accounts whose status this run changes (or, held by the threshold, would): their version is stored only
  // once a later read finds the status settled, so that a listing never skips a disable that was not applied.
  if (plan.unsettled.length)
    await tx.query(`update "User" set "directoryMark" = null where id = any($1::uuid[])`, [plan.unsettled]);
}

export async function insertEvents(tx: Tx, events: Event[], runId: string | null) {
  if (events.length === 0) return;
  await tx.query(
    `insert into "SyncEvent" (id, "userId", "runId", action, details, "createdAt")
     select gen_random_uuid(), v.uid, $4::uuid, v.action, v.details::jsonb, ${NOW_UTC}
     from unnest($1::uuid[], $2::text[], $3::text[]) as v(uid, action, details)`,
    [
      events.map((e) => e.userId),
      events.map((e) => e.action),
      events.map((e) => JSON.stringify(e.details)),
      runId,
    ],
  );
}

export type FinishPlan = {
  /** Accounts to disable: no file in the organisation. */
  disabled: Disable[];
  /** Accounts that own files: pending transfer, with the administrators' notification. */
  pending: Disable[];
  conflicts: IdentityConflict[];
};

/**
 * The end of a complete read, in one transaction: supersede links, disables, pending transfers, the missing
 * transfer notifications (also those a crashed run never wrote: every pending-transfer account of this
 * connection that still owns files here gets exactly one open notification), conflicts and events.
 */
export async function writeFinish(plan: FinishPlan, ctx: WriteCtx): Promise<void> {
  await transaction(async (tx) => {
    const all = [...plan.disabled, ...plan.pending];
    await supersede(
      tx,
      all
        .filter((d) => d.kind === "superseded" && d.targetUserId)
        .map((d) => ({ id: d.id, by: d.targetUserId! })),
    );
    await setStatus(tx, plan.disabled, "DISABLED");
    await setStatus(tx, plan.pending, "PENDING_TRANSFER");
    crashPoint("finish-mid");
    await repairTransferNotifications(tx, ctx);
    await recordConflicts(ctx.orgId, ctx.connectionId, plan.conflicts, tx);
    await insertEvents(
      tx,
      [
        ...plan.pending.map((d) => ({
          userId: d.id,
          action: "pending-transfer",
          details: { reason: d.reason },
        })),
        ...plan.disabled.map((d) => ({ userId: d.id, action: "disabled", details: { reason: d.reason } })),
      ],
      ctx.runId,
    );
  });
  crashPoint("finish-written");
}

async function setStatus(tx: Tx, list: Disable[], status: "DISABLED" | "PENDING_TRANSFER") {
  if (list.length === 0) return;
  await tx.query(
    `update "User" set status = $2::"UserStatus", "updatedAt" = ${NOW_UTC} where id = any($1::uuid[])`,
    [list.map((d) => d.id), status],
  );
}

async function repairTransferNotifications(tx: Tx, ctx: WriteCtx) {
  await tx.query(
    `insert into "Notification" (id, "organizationId", kind, "userId", "targetUserId", "createdAt")
     select gen_random_uuid(), $2::uuid,
       (case when u."supersededById" is null then 'OWNERSHIP_TRANSFER' else 'EMAIL_CHANGED' end)
         ::"NotificationKind",
       u.id, u."supersededById", ${NOW_UTC}
     from "User" u
     where u."connectionId" = $1::uuid and u.status = 'PENDING_TRANSFER'
       and exists (select 1 from "File" f where f."ownerId" = u.id and f."organizationId" = $2::uuid)
       and not exists (
         select 1 from "Notification" n
         where n."userId" = u.id and n."organizationId" = $2::uuid and n."resolvedAt" is null
           and n.kind in ('OWNERSHIP_TRANSFER', 'EMAIL_CHANGED'))`,
    [ctx.connectionId, ctx.orgId],
  );
}
