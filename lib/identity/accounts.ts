import "server-only";
import crypto from "node:crypto";
import { NOW_UTC, transaction, type Tx } from "@/lib/sync/sql";
import type { MappedEntry } from "@/lib/sync/map";

// Creating directory accounts: the one home for what a directory account is made of, used by the sync's
// creates (a batch at a time) and by a first sign-in (one). An Originator membership on the organisation's
// default plan comes with each.

export type AccountOrigin = {
  connectionId: string;
  orgId: string;
  defaultPlanId: string;
  /** The run that made them (the timeline's "created" line), null at a first sign-in. */
  runId: string | null;
};

/**
 * Inserts accounts for mapped entries, with their memberships, in the caller's transaction: two set-based
 * statements whatever the number (Prisma's createMany costs about ten times as much here). `mark` is the
 * version a listing compares (null: the next full read reads the entry in full).
 */
export async function insertDirectoryAccounts(
  tx: Tx,
  accounts: { id: string; entry: MappedEntry; mark: string | null }[],
  origin: AccountOrigin,
): Promise<void> {
  if (accounts.length === 0) return;
  const col = (f: (e: MappedEntry) => string | null) => accounts.map((a) => f(a.entry));
  await tx.query(
    `insert into "User" (id, email, name, "accountName", "userPrincipalName", dn, source, status,
       "connectionId", "directoryId", "directoryHash", "directoryStatus", "directoryMark", "createdByRunId",
       "lastSyncedAt", "createdAt", "updatedAt")
     select v.id, v.email, v.name, v.account, v.upn, v.dn, 'DIRECTORY', v.status::"UserStatus", $11::uuid,
       v.did, v.hash, v.sv, v.mark, $13::uuid, ${NOW_UTC}, ${NOW_UTC}, ${NOW_UTC}
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::text[], $12::text[])
       as v(id, email, name, account, upn, dn, status, did, hash, sv, mark)`,
    [
      accounts.map((a) => a.id),
      col((e) => e.email),
      col((e) => e.fullName),
      col((e) => e.accountName),
      col((e) => e.userPrincipalName),
      col((e) => e.dn),
      col((e) => (e.disabled ? "DISABLED" : "ACTIVE")),
      col((e) => e.directoryId),
      col((e) => e.hash),
      col((e) => e.statusValue),
      origin.connectionId,
      accounts.map((a) => a.mark),
      origin.runId,
    ],
  );
  await insertOriginatorMemberships(
    tx,
    accounts.map((a) => a.id),
    origin,
  );
}

/** Originator memberships on the default plan for accounts that have none in the organisation yet. */
export async function insertOriginatorMemberships(
  tx: Tx,
  userIds: string[],
  origin: Pick<AccountOrigin, "orgId" | "defaultPlanId">,
): Promise<void> {
  if (userIds.length === 0) return;
  await tx.query(
    `insert into "Membership" (id, "userId", "organizationId", roles, "planId", "createdAt")
     select gen_random_uuid(), v.uid, $2::uuid, array['ORIGINATOR']::"Role"[], $3::uuid, ${NOW_UTC}
     from unnest($1::uuid[]) as v(uid)
     on conflict ("userId", "organizationId") do nothing`,
    [userIds, origin.orgId, origin.defaultPlanId],
  );
}

/** One account, made at its first sign-in as the next sync would have made it, with its timeline line. */
export async function createDirectoryAccount(entry: MappedEntry, origin: AccountOrigin): Promise<string> {
  const id = crypto.randomUUID();
  await transaction(async (tx) => {
    await insertDirectoryAccounts(tx, [{ id, entry, mark: null }], origin);
    await tx.query(
      `insert into "SyncEvent" (id, "userId", action, details, "createdAt")
       values (gen_random_uuid(), $1::uuid, 'created', $2::jsonb, ${NOW_UTC})`,
      [
        id,
        JSON.stringify({
          email: entry.email,
          dn: entry.dn,
          directoryId: entry.directoryId,
          at: "first sign-in",
        }),
      ],
    );
  });
  return id;
}
