import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { listFiles, shareFile, uploadFile } from "@/lib/files/service";
import {
  copyInvitationLink,
  findPasswordLink,
  invitationLinkAvailability,
  lockAddress,
  setPasswordByLink,
} from "@/lib/files/invitations";
import { authenticate } from "@/lib/auth/sign-in";
import { makeOrg, makeUser, memberOf, uid } from "@/test/factories";
import { startMailbox, type Mailbox } from "@/test/mail";

// Invitations across organisations (issue 13, item 6): a share never hands anybody a working link for an
// address another organisation invited or owns, answers the same whether the address has an account or not,
// and a link sets nothing but the first password of an Ad hoc account that has none.

let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await startMailbox();
});
afterAll(async () => mailbox?.close());
afterEach(() => {
  delete process.env.SMTP_URL;
});
const withMail = () => {
  process.env.SMTP_URL = mailbox.url;
};

async function upload(userId: string, organizationId: string, text = "bytes") {
  return uploadFile(await memberOf(userId), {
    organizationId,
    name: `file-${uid()}.txt`,
    mimeType: "text/plain",
    declaredSize: null,
    body: Readable.from([Buffer.from(text)]),
  });
}

/** An organisation with an Originator who owns one file. */
async function sharer(text = "bytes") {
  const org = await makeOrg();
  const owner = await makeUser({ org });
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  const file = await upload(owner.id, org.id, text);
  const share = async (email: string, fileId = file.id) => shareFile(await memberOf(owner.id), fileId, email);
  return { org, owner, admin, file, share, ctx: { actorId: admin.id, organizationId: org.id } };
}

const mailsTo = (email: string) => mailbox.received.filter((m) => m.to.includes(email));
const linkIn = (email: string, index = -1) =>
  mailsTo(email)
    .at(index)
    ?.mail.text?.match(/\/welcome\/([\w-]+)/)?.[1];
const openLinks = (email: string) =>
  db.passwordLink.count({ where: { user: { email }, usedAt: null, revokedAt: null } });
const newAddress = () => `x-${uid()}@new-${uid()}.example`;
// The answer with the address taken out: what the sharer could compare between addresses.
const shape = (r: { email: string; message: string }) => ({
  keys: Object.keys(r).sort(),
  message: r.message.replace(r.email, "<email>"),
});

describe("invitations", () => {
  it("A's e-mailed link stays the only one when B shares; B gets the unknown-address answer", async () => {
    withMail();
    const a = await sharer("from A");
    const b = await sharer("from B");
    const x = newAddress();

    await a.share(x);
    const tokenA = linkIn(x);
    expect(tokenA).toBeDefined();
    const user = await db.user.findUniqueOrThrow({ where: { email: x } });
    expect(await db.passwordLink.findMany({ where: { userId: user.id } })).toMatchObject([
      { organizationId: a.org.id, emailed: true, usedAt: null, revokedAt: null },
    ]);

    const toKnown = await b.share(x);
    const toUnknown = await b.share(newAddress());
    expect(shape(toKnown)).toEqual(shape(toUnknown));
    // B's e-mail to x carries no link; A's link is still the one open link.
    expect(mailsTo(x)).toHaveLength(2);
    expect(linkIn(x)).toBeUndefined();
    expect(await openLinks(x)).toBe(1);
    expect(await findPasswordLink(tokenA!)).toEqual({ state: "ok", email: x });
    // Nor can B's administrators make one.
    expect(await invitationLinkAvailability(b.org.id, user.id)).toMatchObject({ available: false });
    await expect(copyInvitationLink(b.ctx, user.id)).rejects.toThrow(/Another organisation invited/);

    // B's file reaches x only once x signed in with the password set through A's e-mailed link.
    expect(await authenticate(x, "X-password-2026!", "127.0.0.1")).toBeNull();
    await setPasswordByLink(tokenA!, "X-password-2026!");
    expect(await authenticate(x, "X-password-2026!", "127.0.0.1")).toBe(user.id);
    const shared = (await listFiles(await memberOf(user.id))).shared.map((f) => f.id).sort();
    expect(shared).toEqual([a.file.id, b.file.id].sort());
  });

  it("a re-share by the inviting organisation re-sends the invitation; the old link dies", async () => {
    withMail();
    const a = await sharer();
    const x = newAddress();
    await a.share(x);
    const first = linkIn(x)!;
    await a.share(x, (await upload(a.owner.id, a.org.id)).id);
    const second = linkIn(x)!;
    expect(second).not.toBe(first);
    expect(await findPasswordLink(first)).toEqual({ state: "invalid" });
    expect(await findPasswordLink(second)).toMatchObject({ state: "ok" });
    expect(await openLinks(x)).toBe(1);
    await expect(setPasswordByLink(first, "X-password-2026!")).rejects.toThrow(
      "This link is no longer valid.",
    );
    // The database itself refuses a second open link for the account.
    const { id: userId } = await db.user.findUniqueOrThrow({ where: { email: x } });
    const extra = { userId, tokenHash: `t-${uid()}`, expiresAt: new Date(Date.now() + 60_000) };
    await expect(db.passwordLink.create({ data: extra })).rejects.toThrow("PasswordLink_one_open_per_user");
  });

  it("without SMTP: one answer for old and new addresses; only inviting admins get a link", async () => {
    const a = await sharer();
    const b = await sharer();
    const existing = await makeUser({ org: await makeOrg() });
    const x = newAddress();
    expect(shape(await a.share(existing.email))).toEqual(shape(await a.share(x)));
    expect(await db.passwordLink.count({ where: { user: { email: { in: [x, existing.email] } } } })).toBe(0);

    const guest = await db.user.findUniqueOrThrow({ where: { email: x } });
    expect(await invitationLinkAvailability(a.org.id, guest.id)).toEqual({ available: true, reason: null });
    const { url: first } = await copyInvitationLink(a.ctx, guest.id);
    const { url: second } = await copyInvitationLink(a.ctx, guest.id);
    expect(await findPasswordLink(first.split("/welcome/")[1])).toEqual({ state: "invalid" });
    expect(await openLinks(x)).toBe(1);
    // Nothing for an account with a password.
    await expect(copyInvitationLink(a.ctx, existing.id)).rejects.toThrow(/not found|has a password/i);

    // Once B shares, a copied link (no proof of the address) would open B's file: it stops working, and A's
    // administrators cannot copy another.
    await b.share(x);
    expect(await findPasswordLink(second.split("/welcome/")[1])).toEqual({ state: "invalid" });
    await expect(copyInvitationLink(a.ctx, guest.id)).rejects.toThrow(/Another organisation shares/);
    expect(await openLinks(x)).toBe(0);
  });

  it("six concurrent shares to one new address: one account, at most one open link, no failure", async () => {
    withMail();
    const a = await sharer();
    const b = await sharer();
    const x = newAddress();
    const files = await Promise.all([1, 2, 3].map(() => upload(a.owner.id, a.org.id)));
    const filesB = await Promise.all([1, 2, 3].map(() => upload(b.owner.id, b.org.id)));
    // Deterministic: the shares queue on the address's lock, held here, and then all run at once.
    const results = await db.$transaction(
      async (tx) => {
        await lockAddress(tx, x);
        const shares = [...files.map((f) => a.share(x, f.id)), ...filesB.map((f) => b.share(x, f.id))].map(
          (p) =>
            p.then(
              (r) => ({ ok: true, r }),
              (e: unknown) => ({ ok: false, e }),
            ),
        );
        await new Promise((r) => setTimeout(r, 300));
        return shares;
      },
      { timeout: 10_000 },
    );
    const settled = await Promise.all(results);
    expect(settled.filter((s) => !s.ok)).toEqual([]);
    expect(await db.user.count({ where: { email: x } })).toBe(1);
    expect(await openLinks(x)).toBeLessThanOrEqual(1);
    const user = await db.user.findUniqueOrThrow({ where: { email: x }, include: { memberships: true } });
    expect(user.memberships.map((m) => m.organizationId).sort()).toEqual([a.org.id, b.org.id].sort());
    expect(await db.fileShare.count({ where: { userId: user.id } })).toBe(6);
    expect(await db.auditLog.count({ where: { action: "user.create-adhoc", targetId: user.id } })).toBe(1);
  });

  it("a link is refused once the account has a password or belongs to a directory", async () => {
    const a = await sharer();
    for (const change of [{ passwordHash: "set-elsewhere" }, { source: "DIRECTORY" as const }]) {
      const x = newAddress();
      await a.share(x);
      const guest = await db.user.findUniqueOrThrow({ where: { email: x } });
      const token = (await copyInvitationLink(a.ctx, guest.id)).url.split("/welcome/")[1];
      await db.user.update({ where: { id: guest.id }, data: change });
      expect(await findPasswordLink(token)).toEqual({ state: "invalid" });
      await expect(setPasswordByLink(token, "Takeover-password-1")).rejects.toThrow(
        "This link is no longer valid.",
      );
      const after = await db.user.findUniqueOrThrow({ where: { id: guest.id } });
      expect(after.passwordHash).toBe(change.passwordHash ?? null);
    }
  });

  it("an address in org A's verified domain shared by org B: no link for B, A's data untouched", async () => {
    withMail();
    const a = await sharer();
    const b = await sharer();
    const domain = `owned-${uid()}.example`;
    await db.domain.create({
      data: {
        organizationId: a.org.id,
        name: domain,
        verifiedAt: new Date(),
        verificationMethod: "APPROVED",
      },
    });
    const { defaultPlanId: planId } = await db.organization.findUniqueOrThrow({ where: { id: a.org.id } });
    const alice = await db.user.create({
      data: {
        email: `alice-${uid()}@${domain}`,
        name: "Alice of A",
        source: "LOCAL",
        passwordHash: "alice-hash",
        memberships: { create: { organizationId: a.org.id, roles: ["ORIGINATOR"], planId } },
      },
      select: { id: true },
    });
    const before = await db.user.findUniqueOrThrow({
      where: { id: alice.id },
      include: { memberships: true },
    });
    const newcomer = `new-${uid()}@${domain}`;

    const toAlice = await b.share(before.email);
    const toNewcomer = await b.share(newcomer);
    expect(shape(toAlice)).toEqual(shape(toNewcomer));
    const created = await db.user.findUniqueOrThrow({ where: { email: newcomer } });
    expect(created).toMatchObject({ source: "ADHOC", passwordHash: null });
    expect(await db.passwordLink.count({ where: { userId: { in: [alice.id, created.id] } } })).toBe(0);
    expect(linkIn(newcomer)).toBeUndefined();
    expect(linkIn(before.email)).toBeUndefined();
    await expect(copyInvitationLink(b.ctx, created.id)).rejects.toThrow(/belongs to another organisation/);

    const after = await db.user.findUniqueOrThrow({
      where: { id: alice.id },
      include: { memberships: true },
    });
    expect(after).toMatchObject({
      name: before.name,
      source: before.source,
      status: before.status,
      passwordHash: before.passwordHash,
      sessionVersion: before.sessionVersion,
    });
    // B gave her an Ad hoc membership of its own; her membership in A is as it was.
    expect(after.memberships.find((m) => m.organizationId === a.org.id)).toEqual(
      before.memberships.find((m) => m.organizationId === a.org.id),
    );
    expect(after.memberships.find((m) => m.organizationId === b.org.id)?.roles).toEqual(["ADHOC"]);
  });
});
