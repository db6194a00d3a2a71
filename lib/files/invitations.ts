import "server-only";
import type { OrgCtx } from "@/lib/auth/org-context";
import { db, type Tx } from "@/lib/db";
import { hashLinkToken, newLinkToken } from "@/lib/crypto";
import { audit } from "@/lib/audit";
import { NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { publicUrl } from "@/lib/mail";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";

// Invitations: the one-time links with which an Ad hoc account sets its first password (/welcome/[token]).
// Invariants (issue 13, item 6):
// - A link only ever sets the first password of an active Ad hoc account that has none; it opens nothing
//   else.
// - An account has at most one open link (a partial unique index, migration 0009); issuing one revokes the
//   rest.
// - Only the organisation that created the Ad hoc account issues links for it, and never for an address in a
//   domain that another organisation verified: that person gets in through their own organisation.
// - A link an administrator copied (not e-mailed to the address) never opens another organisation's shares:
//   it is refused once another organisation shares with the person, and revoked when that happens.

export const LINK_DAYS = 7;

/** Serialises every invitation step for one address across processes (shares, copies, set-password). */
export async function lockAddress(tx: Tx, email: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`invite:${email}`}, 0))`;
}

/**
 * Runs `fn` in a transaction holding the address's lock; retried when another writer (a sync, a sign-in)
 * created the same row at the same moment (P2002).
 */
export async function withAddressLock<T>(email: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(
        async (tx) => {
          await lockAddress(tx, email);
          return fn(tx);
        },
        { maxWait: 10_000, timeout: 15_000 },
      );
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

/** The organisation that created the Ad hoc account (its creation's audit entry), or null. */
export async function invitingOrganisation(tx: Tx, userId: string): Promise<string | null> {
  const row = await tx.auditLog.findFirst({
    where: { action: "user.create-adhoc", targetId: userId },
    orderBy: { createdAt: "asc" },
    select: { organizationId: true },
  });
  return row?.organizationId ?? null;
}

type Recipient = { id: string; email: string; source: string; status: string; passwordHash: string | null };

/**
 * Why `organizationId` may not issue a link for the account now, or null when it may. `owner` is the
 * organisation that verified the address's domain (read before the transaction: a query on another pooled
 * connection while holding the address's lock could starve the pool).
 */
export async function linkRefusal(
  tx: Tx,
  organizationId: string,
  user: Recipient,
  owner: string | null,
  delivery: "email" | "copy",
): Promise<string | null> {
  if (user.source !== "ADHOC" || user.passwordHash || user.status !== "ACTIVE")
    return "This account has a password or belongs to a directory: the person signs in as usual.";
  if (owner && owner !== organizationId)
    return "This address belongs to another organisation: the person signs in through that organisation.";
  if ((await invitingOrganisation(tx, user.id)) !== organizationId)
    return "Another organisation invited this person: only that organisation can give them a link.";
  if (delivery === "copy") {
    const elsewhere = await tx.membership.count({
      where: { userId: user.id, organizationId: { not: organizationId } },
    });
    if (elsewhere > 0)
      return "Another organisation shares with this person too: only an e-mailed invitation opens it.";
  }
  return null;
}

/** Revokes the account's open links (all of them, or only those not e-mailed) and says how many. */
export async function revokeOpenLinks(tx: Tx, userId: string, only?: { emailed: boolean }) {
  const { count } = await tx.passwordLink.updateMany({
    where: { userId, usedAt: null, revokedAt: null, ...(only ?? {}) },
    data: { revokedAt: new Date() },
  });
  return count;
}

/** Replaces the account's open link, if any, with a new one; returns its URL (the token lives only there). */
export async function issueLink(
  tx: Tx,
  input: { userId: string; organizationId: string; actorId: string | null; emailed: boolean },
): Promise<string> {
  await revokeOpenLinks(tx, input.userId);
  const token = newLinkToken();
  await tx.passwordLink.create({
    data: {
      userId: input.userId,
      organizationId: input.organizationId,
      createdById: input.actorId,
      emailed: input.emailed,
      tokenHash: hashLinkToken(token),
      expiresAt: new Date(Date.now() + LINK_DAYS * 86_400_000),
    },
  });
  return publicUrl(`/welcome/${token}`);
}

// --- For the sharing organisation's administrators (the user's page) ---

async function adhocMember(tx: Tx, organizationId: string, userId: string): Promise<Recipient> {
  const user = await tx.user.findFirst({
    where: { id: userId, memberships: { some: { organizationId } } },
    select: { id: true, email: true, source: true, status: true, passwordHash: true },
  });
  if (!user) throw new NotFoundError("User not found.");
  return user;
}

/** Whether the page offers "Copy invitation link" for this account, and if not why. */
export async function invitationLinkAvailability(
  organizationId: string,
  userId: string,
): Promise<{ available: boolean; reason: string | null }> {
  const user = await db.user.findFirst({
    where: { id: userId, memberships: { some: { organizationId } } },
    select: { id: true, email: true, source: true, status: true, passwordHash: true },
  });
  if (!user || user.source !== "ADHOC" || user.passwordHash) return { available: false, reason: null };
  const reason = await linkRefusal(db, organizationId, user, await verifiedOwnerOfEmail(user.email), "copy");
  return reason ? { available: false, reason } : { available: true, reason: null };
}

/**
 * A fresh invitation link for an Ad hoc account the organisation invited, shown once to its administrator
 * (for consoles without SMTP); the previous link stops working.
 */
export async function copyInvitationLink(ctx: OrgCtx, userId: string): Promise<{ url: string }> {
  const { email } = await adhocMember(db, ctx.organizationId, userId);
  const owner = await verifiedOwnerOfEmail(email);
  return withAddressLock(email, async (tx) => {
    const user = await adhocMember(tx, ctx.organizationId, userId);
    const refusal = await linkRefusal(tx, ctx.organizationId, user, owner, "copy");
    if (refusal) throw new UserError(refusal);
    const url = await issueLink(tx, { ...ctx, userId: user.id, emailed: false });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "user.invitation-link",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email },
    });
    return { url };
  });
}

// --- The link itself (/welcome/[token]) ---

export type LinkState =
  { state: "unknown" | "used" | "expired" | "invalid" } | { state: "ok"; email: string };

export async function findPasswordLink(token: string): Promise<LinkState> {
  if (!/^[\w-]{20,100}$/.test(token)) return { state: "unknown" };
  const link = await db.passwordLink.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: {
      usedAt: true,
      revokedAt: true,
      expiresAt: true,
      user: { select: { email: true, source: true, status: true, passwordHash: true } },
    },
  });
  if (!link) return { state: "unknown" };
  if (link.usedAt) return { state: "used" };
  const { user } = link;
  if (link.revokedAt || user.source !== "ADHOC" || user.status !== "ACTIVE" || user.passwordHash)
    return { state: "invalid" };
  if (link.expiresAt < new Date()) return { state: "expired" };
  return { state: "ok", email: user.email };
}

const NO_LONGER_VALID = "This link is no longer valid.";

/**
 * Sets the first password of the link's Ad hoc account and spends the link (and any other open link of the
 * account). Refused when the account meanwhile has a password, a directory, or another status.
 */
export async function setPasswordByLink(token: string, password: string): Promise<{ email: string }> {
  const state = await findPasswordLink(token);
  if (state.state !== "ok")
    throw new UserError(
      state.state === "expired"
        ? "This link has expired. Ask the person who shared the file to share it again."
        : NO_LONGER_VALID,
    );
  const passwordHash = await hashPassword(password);
  return withAddressLock(state.email, async (tx) => {
    const now = new Date();
    const spent = await tx.passwordLink.updateMany({
      where: { tokenHash: hashLinkToken(token), usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (spent.count !== 1) throw new UserError(NO_LONGER_VALID);
    const set = await tx.user.updateMany({
      where: { email: state.email, source: "ADHOC", status: "ACTIVE", passwordHash: null },
      data: { passwordHash, passwordChangedAt: now },
    });
    // Throwing rolls the spent link back as well: nothing changes.
    if (set.count !== 1) throw new UserError(NO_LONGER_VALID);
    await tx.passwordLink.updateMany({
      where: { user: { email: state.email }, usedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    return { email: state.email };
  });
}
