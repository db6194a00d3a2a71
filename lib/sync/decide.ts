// The sync's decisions, pure: one batch of mapped entries, the accounts they may be, and the connection's
// context → a plan (creates, links, updates, supersedes, re-enables, to-disable, conflicts, unchanged marks).
// No query and no write happens here: lib/sync/batch.ts fetches the candidates before, lib/sync/write.ts
// applies the plan after, so the whole decision table is tested without servers (decide.test.ts).
import crypto from "node:crypto";
import type { Role } from "@/lib/generated/prisma/enums";
import { emailDomain } from "@/lib/identity/email";
import type { MappedEntry } from "@/lib/sync/map";
import type { Disable, ExistingUser, IdentityConflict, PlanItem, SyncPlan } from "@/lib/sync/run";

export type KnownUser = ExistingUser & {
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

/** The accounts a batch's entries may be: by email (any account), and this connection's current ones by id. */
export type Candidates = { byEmail: Map<string, KnownUser>; byDirectoryId: Map<string, KnownUser> };

/** The first entry of this read that claimed an email, and the account it was decided to be. */
export type Claim = { dn: string | null; directoryId: string | null; userId: string | null };

export type DecideContext = {
  connectionId: string;
  /** The organisation's verified email domains: the only addresses this connection speaks for. */
  verifiedDomains: Set<string>;
  /** `${userId} ${directoryId}` of conflicts an administrator decided to keep apart. */
  keptApart: Set<string>;
  markKey: string;
  /** Emails that earlier batches of this read claimed (a duplicate email may span two pages). */
  claims: ReadonlyMap<string, Claim>;
  newId?: () => string;
};

export type BatchPlan = {
  creates: { entry: MappedEntry; id: string; supersedes?: string }[];
  updates: { id: string; entry: MappedEntry; link: boolean; fields: string[] }[];
  /** Existing accounts that get an Originator membership in the organisation (creates come with theirs). */
  memberships: string[];
  roleChanges: { membershipId: string; roles: Role[] }[];
  /** `id` is superseded by `by` (an email changed, or changed back), written with the batch. */
  supersedes: { id: string; by: string }[];
  reenables: { id: string; statusValue: string | null }[];
  toDisable: Disable[];
  conflicts: IdentityConflict[];
  marks: { id: string; mark: string }[];
  /** Accounts whose status this run changes: their mark is cleared until a later read finds it settled. */
  unsettled: string[];
  /** Accounts this batch accounts for: never "gone" at the end of the read. */
  seen: string[];
  claims: [string, Claim][];
  unchanged: number;
  /** One domain per entry skipped because the domain is not verified. */
  unverified: string[];
  warnings: string[];
  notes: { list: keyof SyncPlan; item: PlanItem }[];
};

function emptyPlan(): BatchPlan {
  return {
    creates: [],
    updates: [],
    memberships: [],
    roleChanges: [],
    supersedes: [],
    reenables: [],
    toDisable: [],
    conflicts: [],
    marks: [],
    unsettled: [],
    seen: [],
    claims: [],
    unchanged: 0,
    unverified: [],
    warnings: [],
    notes: [],
  };
}

/**
 * The tenant rule for one entry (DESIGN.md): a connection speaks only for addresses in its organisation's
 * verified domains, never for a platform or built-in administrator, and never takes over an account already
 * bound to another connection or another stable id (an identity conflict: an administrator decides).
 */
export function tenantVerdict(
  e: MappedEntry,
  u: Pick<KnownUser, "source" | "connectionId" | "directoryId" | "protected"> | undefined,
  ctx: Pick<DecideContext, "verifiedDomains" | "connectionId">,
): "ok" | "unverified" | "protected" | "conflict" {
  if (!ctx.verifiedDomains.has(emailDomain(e.email))) return "unverified";
  if (!u) return "ok";
  if (u.protected) return "protected";
  if (u.source !== "DIRECTORY") return "ok";
  if (u.connectionId && u.connectionId !== ctx.connectionId) return "conflict";
  if (u.directoryId && e.directoryId && u.directoryId !== e.directoryId) return "conflict";
  return "ok";
}

export function changedFields(before: KnownUser, e: MappedEntry): string[] {
  const out: string[] = [];
  if (before.name !== e.fullName) out.push("name");
  if ((before.accountName ?? null) !== e.accountName) out.push("accountName");
  if ((before.userPrincipalName ?? null) !== e.userPrincipalName) out.push("userPrincipalName");
  if ((before.dn ?? null) !== e.dn) out.push("dn");
  if ((before.directoryStatus ?? null) !== e.statusValue) out.push("status value");
  return out;
}

/** Decides one batch. Entries sharing an email (in this batch or with an earlier one) are an identity conflict. */
export function decideBatch(batch: MappedEntry[], known: Candidates, ctx: DecideContext): BatchPlan {
  const plan = emptyPlan();
  const groups = new Map<string, MappedEntry[]>();
  for (const e of batch) groups.set(e.email, [...(groups.get(e.email) ?? []), e]);
  for (const [email, entries] of groups) {
    const claim = ctx.claims.get(email);
    if (entries.length === 1 && !claim) decideEntry(entries[0], known, ctx, plan);
    else decideDuplicates(entries, claim, known, ctx, plan);
  }
  return plan;
}

/**
 * Several entries of one read with one email. The account's own entry (its stable id) keeps the account; an
 * earlier claimant of this read keeps what it was decided; with neither, an existing account changes for none
 * of them, and a new email's account is made from the entry first by DN, so read order decides nothing. Every
 * other entry is a conflict naming the entry that holds the email.
 */
function decideDuplicates(
  entries: MappedEntry[],
  claim: Claim | undefined,
  known: Candidates,
  ctx: DecideContext,
  plan: BatchPlan,
) {
  const u = known.byEmail.get(entries[0].email);
  const ownId = u && u.connectionId === ctx.connectionId ? u.directoryId : null;
  const own = ownId ? entries.find((e) => e.directoryId === ownId) : undefined;
  let holder: Claim & { connectionId: string | null };
  let rest = entries;
  if (own) {
    decideEntry(own, known, ctx, plan);
    holder = { dn: own.dn, directoryId: own.directoryId, userId: u!.id, connectionId: ctx.connectionId };
    rest = entries.filter((e) => e !== own);
  } else if (claim) {
    holder = { ...claim, connectionId: ctx.connectionId };
  } else if (u) {
    holder = {
      dn: u.dn ?? entries[0].dn,
      directoryId: u.directoryId,
      userId: u.id,
      connectionId: u.connectionId,
    };
  } else {
    const [first, ...others] = [...entries].sort((a, b) => (a.dn < b.dn ? -1 : a.dn > b.dn ? 1 : 0));
    decideEntry(first, known, ctx, plan);
    const made = plan.claims.find(([email]) => email === first.email)?.[1];
    holder = {
      dn: first.dn,
      directoryId: first.directoryId,
      userId: made?.userId ?? null,
      connectionId: ctx.connectionId,
    };
    rest = others;
  }
  for (const e of rest) {
    const verdict = tenantVerdict(e, u, ctx);
    if (verdict !== "ok" && verdict !== "conflict") {
      skip(e, u, verdict, known, ctx, plan);
      continue;
    }
    if (u?.connectionId === ctx.connectionId) plan.seen.push(u.id);
    stillThere(e, known, plan);
    if (!holder.userId) {
      plan.warnings.push(
        `Two entries have the email ${e.email}: ${holder.dn} and ${e.dn}; ${e.dn} was skipped.`,
      );
      continue;
    }
    if (ctx.keptApart.has(`${holder.userId} ${e.directoryId ?? ""}`)) continue;
    plan.conflicts.push({
      userId: holder.userId,
      email: e.email,
      entry: { dn: e.dn, directoryId: e.directoryId },
      existing: { dn: holder.dn, directoryId: holder.directoryId, connectionId: holder.connectionId },
    });
  }
  if (!claim)
    plan.claims.push([
      entries[0].email,
      { dn: holder.dn, directoryId: holder.directoryId, userId: holder.userId },
    ]);
}

/** An entry the tenant rule keeps away from its account: nothing changes, not even "gone". */
function skip(
  e: MappedEntry,
  u: KnownUser | undefined,
  verdict: "unverified" | "protected" | "conflict",
  known: Candidates,
  ctx: DecideContext,
  plan: BatchPlan,
) {
  if (u && (verdict === "protected" || u.connectionId === ctx.connectionId)) plan.seen.push(u.id);
  if (verdict === "conflict") stillThere(e, known, plan);
  if (verdict === "unverified") plan.unverified.push(emailDomain(e.email));
  else if (verdict === "protected")
    plan.warnings.push(
      `${e.email} is a platform administrator's account: no directory changes it (${e.dn} skipped).`,
    );
  else if (u && !ctx.keptApart.has(`${u.id} ${e.directoryId ?? ""}`))
    plan.conflicts.push({
      userId: u.id,
      email: e.email,
      entry: { dn: e.dn, directoryId: e.directoryId },
      existing: { dn: u.dn, directoryId: u.directoryId, connectionId: u.connectionId },
    });
}

/**
 * An entry in conflict is still in the directory: its own account (by stable id, under its earlier email)
 * is not gone, whatever a paged or a listed read would otherwise conclude.
 */
function stillThere(e: MappedEntry, known: Candidates, plan: BatchPlan) {
  const own = e.directoryId ? known.byDirectoryId.get(e.directoryId) : undefined;
  if (own) plan.seen.push(own.id);
}

function decideEntry(e: MappedEntry, known: Candidates, ctx: DecideContext, plan: BatchPlan) {
  const u = known.byEmail.get(e.email);
  const verdict = tenantVerdict(e, u, ctx);
  if (verdict !== "ok") {
    skip(e, u, verdict, known, ctx, plan);
    if (u) plan.claims.push([e.email, { dn: u.dn, directoryId: u.directoryId, userId: u.id }]);
    return;
  }
  if (!u) {
    decideCreate(e, known, ctx, plan);
    return;
  }
  plan.seen.push(u.id);
  plan.claims.push([e.email, { dn: e.dn, directoryId: e.directoryId, userId: u.id }]);
  if (u.supersededById) emailCameBack(e, u, known, plan);
  decideMembership(u, plan);
  decideFields(e, u, ctx, plan);
  decideStatus(e, u, plan);
}

/** A new email: a new account, superseding this entry's previous account when its email changed. */
function decideCreate(e: MappedEntry, known: Candidates, ctx: DecideContext, plan: BatchPlan) {
  const id = (ctx.newId ?? crypto.randomUUID)();
  const previous = e.directoryId ? known.byDirectoryId.get(e.directoryId) : undefined;
  plan.claims.push([e.email, { dn: e.dn, directoryId: e.directoryId, userId: id }]);
  plan.seen.push(id);
  if (!previous) {
    plan.creates.push({ entry: e, id });
    plan.notes.push({ list: "create", item: { email: e.email, name: e.fullName } });
    return;
  }
  // Email changed in the directory: a new account; the old one stays, with its files, for transfer.
  plan.creates.push({ entry: e, id, supersedes: previous.id });
  plan.supersedes.push({ id: previous.id, by: id });
  plan.toDisable.push({
    id: previous.id,
    email: previous.email,
    name: previous.name,
    kind: "superseded",
    reason: `email changed in the directory to ${e.email}`,
    targetUserId: id,
  });
  plan.seen.push(previous.id);
  plan.notes.push({
    list: "create",
    item: { email: e.email, name: e.fullName, reason: `email changed from ${previous.email}` },
  });
}

/** The email came back: the original account is current again; the one made for the other email is not. */
function emailCameBack(e: MappedEntry, u: KnownUser, known: Candidates, plan: BatchPlan) {
  const other = e.directoryId ? known.byDirectoryId.get(e.directoryId) : undefined;
  if (!other || other.id === u.id) return;
  plan.toDisable.push({
    id: other.id,
    email: other.email,
    name: other.name,
    kind: "superseded",
    reason: `email changed back in the directory to ${e.email}`,
    targetUserId: u.id,
  });
  plan.seen.push(other.id);
  plan.supersedes.push({ id: other.id, by: u.id });
}

function decideMembership(u: KnownUser, plan: BatchPlan) {
  const roles = u.membershipId ? (u.roles ?? []) : null;
  if (!roles) plan.memberships.push(u.id);
  else if (u.source === "ADHOC" || roles.includes("ADHOC")) {
    // Seed 004: an Ad hoc user added to the directory becomes a Collaborator.
    const next = [...new Set(roles.map((r) => (r === "ADHOC" ? "COLLABORATOR" : r)))] as Role[];
    plan.roleChanges.push({ membershipId: u.membershipId!, roles: next });
  }
}

function decideFields(e: MappedEntry, u: KnownUser, ctx: DecideContext, plan: BatchPlan) {
  const link =
    u.source !== "DIRECTORY" ||
    u.connectionId !== ctx.connectionId ||
    u.directoryId !== e.directoryId ||
    Boolean(u.supersededById);
  const fields = changedFields(u, e);
  if (link || u.directoryHash !== e.hash) {
    plan.updates.push({ id: u.id, entry: e, link, fields });
    const reason = !link
      ? fields.join(", ")
      : u.source === "ADHOC"
        ? "Ad hoc account becomes a Collaborator"
        : "existing account linked to the directory";
    plan.notes.push({ list: "update", item: { email: e.email, name: e.fullName, reason } });
    return;
  }
  plan.unchanged++;
  const mark = markOf(e, ctx.markKey);
  if (mark && u.directoryMark !== mark) plan.marks.push({ id: u.id, mark });
}

function decideStatus(e: MappedEntry, u: KnownUser, plan: BatchPlan) {
  if (e.disabled && u.status === "ACTIVE") {
    const what = e.statusValue ? `the status value ${e.statusValue}` : "the entry";
    plan.toDisable.push({
      id: u.id,
      email: u.email,
      name: e.fullName,
      kind: "status",
      reason: `${what} is disabled in the directory`,
    });
    plan.unsettled.push(u.id);
  } else if (!e.disabled && u.status !== "ACTIVE") {
    plan.reenables.push({ id: u.id, statusValue: e.statusValue });
    plan.notes.push({ list: "reenable", item: { email: e.email, name: e.fullName } });
    plan.unsettled.push(u.id);
  }
}

/** The version a listing compares, qualified by the mapping it was read with. */
export function markOf(e: MappedEntry, markKey: string): string | null {
  return e.version ? `${markKey}:${e.version}` : null;
}
