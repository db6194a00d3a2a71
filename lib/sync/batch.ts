import "server-only";
import crypto from "node:crypto";
import pg from "pg";
import { db } from "@/lib/db";
import { NOW_UTC, sql } from "@/lib/sync/sql";
import type { MappedEntry } from "@/lib/sync/map";
import { T, type ExistingUser, type Run } from "@/lib/sync/run";
import type { Role } from "@/lib/generated/prisma/enums";
import { emailDomain } from "@/lib/identity/email";

// Deciding and writing one batch of mapped entries: find the accounts they are, decide (create, link, update,
// re-enable, disable later), and write with a few set-based statements.

function changedFields(before: ExistingUser & Record<string, unknown>, e: MappedEntry): string[] {
  const out: string[] = [];
  if (before.name !== e.fullName) out.push("name");
  if ((before.accountName ?? null) !== e.accountName) out.push("accountName");
  if ((before.userPrincipalName ?? null) !== e.userPrincipalName) out.push("userPrincipalName");
  if ((before.dn ?? null) !== e.dn) out.push("dn");
  if ((before.directoryStatus ?? null) !== e.statusValue) out.push("status value");
  return out;
}

export type BatchCtx = {
  run: Run;
  connectionId: string;
  orgId: string;
  defaultPlanId: string;
  /** The organisation's verified email domains: the only addresses this connection speaks for. */
  verifiedDomains: Set<string>;
  /** `${userId} ${directoryId}` of conflicts an administrator decided to keep apart. */
  keptApart: Set<string>;
  dryRun: boolean;
  runId: string | null;
  known?: Known;
  markKey: string;
};

type KnownUser = ExistingUser & {
  accountName: string | null;
  userPrincipalName: string | null;
  dn: string | null;
  directoryStatus: string | null;
  directoryMark: string | null;
  membershipId: string | null;
  roles: Role[] | null;
  /** A platform administrator or the built-in administrator: never linked to or changed by a directory. */
  protected: boolean;
};

export type Known = { byEmail: Map<string, KnownUser>; byDirectoryId: Map<string, KnownUser> };

const USER_COLUMNS = `u.id, u.email, u.name, u."accountName", u."userPrincipalName", u.dn,
  u."directoryStatus", u.source::text as source, u.status::text as status,
  u."connectionId", u."directoryId", u."directoryHash", u."supersededById", u."directoryMark",
  m.id as "membershipId", m.roles::text[] as roles,
  (u."isPlatformAdmin" or u."isBuiltinAdmin") as protected`;

export async function loadKnown(connectionId: string, orgId: string): Promise<Known> {
  // Straight through pg with array rows: at 100,000 accounts this costs a fraction of the memory of a Prisma
  // raw query, which materialises the whole result more than once.
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<unknown[]>({
      text: `select u.id, u.email, u.name, u."accountName", u."userPrincipalName", u.dn,
               u."directoryStatus", u.source::text, u.status::text,
               u."connectionId", u."directoryId", u."directoryHash", u."supersededById", m.id,
               m.roles::text[], u."directoryMark",
               (u."isPlatformAdmin" or u."isBuiltinAdmin")
             from "User" u
             left join "Membership" m on m."userId" = u.id and m."organizationId" = $2::uuid
             where u."connectionId" = $1::uuid`,
      values: [connectionId, orgId],
      rowMode: "array",
    });
    const byEmail = new Map<string, KnownUser>();
    const byDirectoryId = new Map<string, KnownUser>();
    for (const r of result.rows as (string | null)[][]) {
      const u = {
        id: r[0],
        email: r[1],
        name: r[2],
        accountName: r[3],
        userPrincipalName: r[4],
        dn: r[5],
        directoryStatus: r[6],
        source: r[7],
        status: r[8],
        connectionId: r[9],
        directoryId: r[10],
        directoryHash: r[11],
        supersededById: r[12],
        membershipId: r[13],
        roles: r[14] as unknown as Role[] | null,
        directoryMark: r[15],
        protected: r[16] as unknown as boolean,
      } as KnownUser;
      byEmail.set(u.email, u);
      if (u.directoryId && !u.supersededById) byDirectoryId.set(u.directoryId, u);
    }
    return { byEmail, byDirectoryId };
  } finally {
    await client.end();
  }
}

export async function processBatch(batch: MappedEntry[], ctx: BatchCtx) {
  if (batch.length === 0) return;
  let t0 = performance.now();
  const { run, connectionId, orgId } = ctx;
  const emails = batch.map((e) => e.email);
  const ids = batch.map((e) => e.directoryId).filter((v): v is string => Boolean(v));
  // One round trip per batch for what the preloaded map does not know: the accounts these entries may be,
  // with their membership in this organisation.
  const unknownEmails = ctx.known ? emails.filter((e) => !ctx.known!.byEmail.has(e)) : emails;
  // On a full read the preloaded map holds every account of this connection, so directory ids need no lookup.
  const unknownIds = ctx.known ? [] : ids;
  // Two index lookups, not one OR: with an OR the planner scans the whole table, once per batch.
  const fetched =
    unknownEmails.length === 0 && unknownIds.length === 0
      ? []
      : await sql<KnownUser>(
          unknownIds.length === 0
            ? `select ${USER_COLUMNS} from "User" u
               left join "Membership" m on m."userId" = u.id and m."organizationId" = $1::uuid
               where u.email = any($2::text[])`
            : `select ${USER_COLUMNS} from "User" u
               left join "Membership" m on m."userId" = u.id and m."organizationId" = $1::uuid
               where u.email = any($2::text[])
         union
         select ${USER_COLUMNS} from "User" u
           left join "Membership" m on m."userId" = u.id and m."organizationId" = $1::uuid
           where u."connectionId" = $3::uuid and u."directoryId" = any($4::text[])`,
          unknownIds.length === 0 ? [orgId, unknownEmails] : [orgId, unknownEmails, connectionId, unknownIds],
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
  const byDirectoryId = new Map(
    existing
      .filter((u) => u.connectionId === connectionId && u.directoryId && !u.supersededById)
      .map((u) => [u.directoryId!, u]),
  );
  T("find users", t0);
  t0 = performance.now();
  const membershipOf = new Map(
    existing
      .filter((u) => u.membershipId)
      .map((u) => [u.id, { id: u.membershipId!, userId: u.id, roles: u.roles ?? [] }]),
  );

  const creates: { user: MappedEntry; id: string; supersedes?: string }[] = [];
  const updates: { id: string; e: MappedEntry; link: boolean; fields: string[] }[] = [];
  const newMemberships: { userId: string; roles: Role[] }[] = [];
  const roleChanges: { membershipId: string; roles: Role[] }[] = [];
  const reenable: { id: string; e: MappedEntry }[] = [];
  const events: { userId: string; action: string; details: object }[] = [];
  const marks: { id: string; mark: string }[] = [];
  // Accounts whose status this run changes (or, held by the threshold, would): their version is stored only
  // once a later read finds the status settled, so that a listing never skips a disable that was not applied.
  const unsettled: string[] = [];
  const markOf = (e: MappedEntry) => (e.version ? `${ctx.markKey}:${e.version}` : null);

  for (const e of batch) {
    const u = byEmail.get(e.email);
    const verdict = tenantVerdict(e, u, ctx);
    if (verdict !== "ok") {
      // Nothing changes for an account this entry may not touch (its domain no longer verified, a platform
      // administrator, a conflict): not even "gone" at the end of the read.
      if (u && (verdict === "protected" || u.connectionId === connectionId)) run.seen.add(u.id);
      if (verdict === "unverified") run.skipUnverified(emailDomain(e.email));
      else if (verdict === "protected")
        run.warn(
          `${e.email} is a platform administrator's account: no directory changes it (${e.dn} skipped).`,
        );
      else if (u && !ctx.keptApart.has(`${u.id} ${e.directoryId ?? ""}`))
        run.conflict({
          userId: u.id,
          email: e.email,
          entry: { dn: e.dn, directoryId: e.directoryId },
          existing: { dn: u.dn, directoryId: u.directoryId, connectionId: u.connectionId },
        });
      continue;
    }
    if (!u && e.directoryId) {
      const previous = byDirectoryId.get(e.directoryId);
      if (previous) {
        // Email changed in the directory: a new account; the old one stays, with its files, for transfer.
        const id = crypto.randomUUID();
        creates.push({ user: e, id, supersedes: previous.id });
        run.toDisable.set(previous.id, {
          id: previous.id,
          email: previous.email,
          name: previous.name,
          kind: "superseded",
          reason: `email changed in the directory to ${e.email}`,
          targetUserId: id,
        });
        run.seen.add(previous.id);
        run.note("create", {
          email: e.email,
          name: e.fullName,
          reason: `email changed from ${previous.email}`,
        });
        continue;
      }
    }
    if (!u) {
      creates.push({ user: e, id: crypto.randomUUID() });
      run.note("create", { email: e.email, name: e.fullName });
      continue;
    }
    run.seen.add(u.id);
    const link =
      u.source !== "DIRECTORY" ||
      u.connectionId !== connectionId ||
      u.directoryId !== e.directoryId ||
      Boolean(u.supersededById);
    if (u.supersededById) {
      // The email came back: the original account is current again; the one made for the other email is not.
      const other =
        byDirectoryId.get(e.directoryId ?? "") ??
        (await db.user.findFirst({
          where: { connectionId, directoryId: e.directoryId, supersededById: null, id: { not: u.id } },
          select: {
            id: true,
            email: true,
            name: true,
            source: true,
            status: true,
            connectionId: true,
            directoryId: true,
            directoryHash: true,
            supersededById: true,
            accountName: true,
            userPrincipalName: true,
            dn: true,
            directoryStatus: true,
          },
        }));
      if (other && other.id !== u.id) {
        run.toDisable.set(other.id, {
          id: other.id,
          email: other.email,
          name: other.name,
          kind: "superseded",
          reason: `email changed back in the directory to ${e.email}`,
          targetUserId: u.id,
        });
        run.seen.add(other.id);
        if (!ctx.dryRun) await db.user.update({ where: { id: other.id }, data: { supersededById: u.id } });
      }
    }
    const membership = membershipOf.get(u.id);
    if (!membership) newMemberships.push({ userId: u.id, roles: ["ORIGINATOR"] });
    else if (u.source === "ADHOC" || membership.roles.includes("ADHOC")) {
      // Seed 004: an Ad hoc user added to the directory becomes a Collaborator.
      roleChanges.push({
        membershipId: membership.id,
        roles: [...new Set(membership.roles.map((r) => (r === "ADHOC" ? "COLLABORATOR" : r)))] as Role[],
      });
    }
    const fields = changedFields(u, e);
    if (link || u.directoryHash !== e.hash) {
      updates.push({ id: u.id, e, link, fields });
      run.note("update", {
        email: e.email,
        name: e.fullName,
        reason: link
          ? u.source === "ADHOC"
            ? "Ad hoc account becomes a Collaborator"
            : "existing account linked to the directory"
          : fields.join(", "),
      });
    } else {
      run.counts.unchanged++;
      const mark = markOf(e);
      if (mark && u.directoryMark !== mark) marks.push({ id: u.id, mark });
    }
    if (e.disabled && u.status === "ACTIVE") {
      run.toDisable.set(u.id, {
        id: u.id,
        email: u.email,
        name: e.fullName,
        kind: "status",
        reason: `${ctxField(e)} is disabled in the directory`,
      });
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

  T("decide", t0);
  t0 = performance.now();
  const stamp = new Date();
  if (creates.length) {
    // Set-based insert of the whole batch (Prisma's createMany costs about ten times as much here).
    const u = (f: (c: (typeof creates)[number]) => string | null) => creates.map(f);
    await sql(
      `insert into "User" (id, email, name, "accountName", "userPrincipalName", dn, source, status,
         "connectionId", "directoryId", "directoryHash", "directoryStatus", "directoryMark", "createdByRunId",
         "lastSyncedAt", "createdAt", "updatedAt")
       select v.id, v.email, v.name, v.account, v.upn, v.dn, 'DIRECTORY', v.status::"UserStatus", $11::uuid,
         v.did, v.hash, v.sv, v.mark, $13::uuid, ${NOW_UTC}, ${NOW_UTC}, ${NOW_UTC}
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::text[], $12::text[])
         as v(id, email, name, account, upn, dn, status, did, hash, sv, mark)`,
      [
        u((c) => c.id),
        u((c) => c.user.email),
        u((c) => c.user.fullName),
        u((c) => c.user.accountName),
        u((c) => c.user.userPrincipalName),
        u((c) => c.user.dn),
        u((c) => (c.user.disabled ? "DISABLED" : "ACTIVE")),
        u((c) => c.user.directoryId),
        u((c) => c.user.hash),
        u((c) => c.user.statusValue),
        connectionId,
        u((c) => markOf(c.user)),
        ctx.runId,
      ],
    );
    newMemberships.push(...creates.map((c) => ({ userId: c.id, roles: ["ORIGINATOR"] as Role[] })));
    T("create users", t0);
    t0 = performance.now();
  }
  // The timeline's "created" line of an account comes from its createdByRunId; only an account made because
  // an email changed gets a row, naming the previous account.
  const createdEvents = creates
    .filter((c) => c.supersedes)
    .map((c) => ({
      userId: c.id,
      action: "created",
      details: {
        email: c.user.email,
        dn: c.user.dn,
        directoryId: c.user.directoryId,
        disabled: c.user.disabled,
        ...(c.supersedes ? { previousAccount: c.supersedes } : {}),
      },
    }));
  // Memberships and the timeline's "created" entries are independent: written side by side on two
  // connections.
  await Promise.all([
    newMemberships.length === 0
      ? null
      : sql(
          `insert into "Membership" (id, "userId", "organizationId", roles, "planId", "createdAt")
       select gen_random_uuid(), v.uid, $2::uuid, array['ORIGINATOR']::"Role"[], $3::uuid, ${NOW_UTC}
       from unnest($1::uuid[]) as v(uid)
       on conflict ("userId", "organizationId") do nothing`,
          [newMemberships.map((m) => m.userId), orgId, ctx.defaultPlanId],
        ),
    createdEvents.length === 0 ? null : insertEvents(createdEvents, ctx.runId),
  ]);
  T("create memberships", t0);
  t0 = performance.now();
  for (const r of roleChanges)
    await db.membership.update({ where: { id: r.membershipId }, data: { roles: r.roles } });
  if (updates.length) {
    // One statement for the whole batch.
    const col = (f: (x: (typeof updates)[number]) => string | null) => updates.map(f);
    await sql(
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
        col((x) => x.id),
        col((x) => x.e.fullName),
        col((x) => x.e.accountName),
        col((x) => x.e.userPrincipalName),
        col((x) => x.e.dn),
        col((x) => x.e.directoryId),
        col((x) => x.e.hash),
        col((x) => x.e.statusValue),
        connectionId,
        col((x) => markOf(x.e)),
      ],
    );
    for (const x of updates)
      events.push({ userId: x.id, action: x.link ? "linked" : "updated", details: { fields: x.fields } });
    const linked = updates.filter((x) => x.link).map((x) => x.id);
    // A linked local or Ad hoc account signs in through its directory from now on: its console password, any
    // set-password link and every session opened with them end here.
    if (linked.length)
      await sql(
        `with ended as (
           update "PasswordLink" set "usedAt" = ${NOW_UTC}
           where "userId" = any($1::uuid[]) and "usedAt" is null)
         update "User" set "passwordHash" = null, "sessionVersion" = "sessionVersion" + 1
         where id = any($1::uuid[]) and "passwordHash" is not null`,
        [linked],
      );
  }
  if (reenable.length) {
    const ids = reenable.map((r) => r.id);
    await db.user.updateMany({ where: { id: { in: ids } }, data: { status: "ACTIVE" } });
    await db.notification.updateMany({
      where: { userId: { in: ids }, resolvedAt: null, kind: { not: "IDENTITY_CONFLICT" } },
      data: { resolvedAt: stamp },
    });
    for (const r of reenable)
      events.push({ userId: r.id, action: "re-enabled", details: { statusValue: r.e.statusValue } });
  }
  if (marks.length) {
    // Unchanged entries whose mark is new (the first full read after an upgrade, or a change that touched no
    // mapped attribute): remember the mark, so that the next full read skips them.
    await sql(
      `update "User" as u set "directoryMark" = v.mark
       from unnest($1::uuid[], $2::text[]) as v(id, mark) where u.id = v.id`,
      [marks.map((m) => m.id), marks.map((m) => m.mark)],
    );
  }
  if (unsettled.length)
    await sql(`update "User" set "directoryMark" = null where id = any($1::uuid[])`, [unsettled]);
  T("updates", t0);
  t0 = performance.now();
  if (events.length) await insertEvents(events, ctx.runId);
  T("events", t0);
}

export async function insertEvents(
  events: { userId: string; action: string; details: object }[],
  runId: string | null,
) {
  await sql(
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

/**
 * The tenant rule for one entry (DESIGN.md): a connection speaks only for addresses in its organisation's
 * verified domains, never for a platform or built-in administrator, and never takes over an account already
 * bound to another connection or another stable id (an identity conflict: an administrator decides).
 */
export function tenantVerdict(
  e: MappedEntry,
  u: Pick<KnownUser, "source" | "connectionId" | "directoryId" | "protected"> | undefined,
  ctx: Pick<BatchCtx, "verifiedDomains" | "connectionId">,
): "ok" | "unverified" | "protected" | "conflict" {
  if (!ctx.verifiedDomains.has(emailDomain(e.email))) return "unverified";
  if (!u) return "ok";
  if (u.protected) return "protected";
  if (u.source !== "DIRECTORY") return "ok";
  if (u.connectionId && u.connectionId !== ctx.connectionId) return "conflict";
  if (u.directoryId && e.directoryId && u.directoryId !== e.directoryId) return "conflict";
  return "ok";
}

function ctxField(e: MappedEntry) {
  return e.statusValue ? `the status value ${e.statusValue}` : "the entry";
}
