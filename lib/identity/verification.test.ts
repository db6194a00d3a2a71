import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { saveAdvanced, renameDomain } from "@/lib/domains/service";
import {
  approveBindAddress,
  approveDomain,
  challengeOf,
  claimDomain,
  revokeVerification,
  verifyByDns,
} from "@/lib/identity/verification";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";
import { makeOrg, makeUser, uid, verifyDomain } from "@/test/factories";
import { startDnsmasq, type Dnsmasq } from "@/test/dns/dnsmasq";
import { freePort } from "@/test/ldap/net";

const OPERATOR = { id: null, isPlatformAdmin: true };
const advanced = (v: { ntDomain?: string; bindIpAddress?: string }) => ({
  kerberosRealm: "",
  pamServiceName: "",
  ntDomain: v.ntDomain ?? "",
  bindIpAddress: v.bindIpAddress ?? "",
});

let dns: Dnsmasq | undefined;
const before = process.env.DNS_SERVER;
afterEach(async () => {
  await dns?.stop();
  dns = undefined;
  if (before === undefined) delete process.env.DNS_SERVER;
  else process.env.DNS_SERVER = before;
});

/** A real DNS server on 127.0.0.1 serving these TXT records, used by the lookups of this test. */
async function serve(records: Record<string, (string | string[])[]>) {
  dns = await startDnsmasq(records);
  process.env.DNS_SERVER = dns.server;
}

async function claim(name = `v${uid()}.example`) {
  const org = await makeOrg("verify");
  const ctx = { actorId: null, organizationId: org.id };
  const { id } = await claimDomain(ctx, name);
  const row = await db.domain.findUniqueOrThrow({ where: { id } });
  return { org, ctx, id, name, challenge: challengeOf(row) };
}

describe("verifying a domain by its DNS TXT record", () => {
  it("verifies when a TXT record (joined from its chunks) holds the token, and audits it", async () => {
    const { ctx, id, name, challenge } = await claim();
    expect(challenge.recordName).toBe(`_directory-console-challenge.${name}`);
    expect(challenge.value).toMatch(/^[0-9a-f]{32}$/);
    const half = challenge.value.length / 2;
    await serve({
      [challenge.recordName]: [
        "v=something-else",
        [challenge.value.slice(0, half), challenge.value.slice(half)],
      ],
    });
    const outcome = await verifyByDns(ctx, id);
    expect(outcome).toMatchObject({ verified: true });
    expect(outcome.message).toMatch(/^Verified/);
    expect(await db.domain.findUniqueOrThrow({ where: { id } })).toMatchObject({
      verificationMethod: "DNS",
      verifiedAt: expect.any(Date),
    });
    expect(await verifiedOwnerOfEmail(`someone@${name.toUpperCase()}`)).toBe(ctx.organizationId);
    expect(await db.auditLog.count({ where: { targetId: id, action: "domain.verify-dns" } })).toBe(1);
  });

  it("says so when the TXT record holds another value", async () => {
    const { ctx, id, challenge } = await claim();
    await serve({ [challenge.recordName]: ["not-the-token"] });
    const outcome = await verifyByDns(ctx, id);
    expect(outcome.verified).toBe(false);
    expect(outcome.message).toContain("TXT found but value differs");
    expect(outcome.message).toContain("not-the-token");
    expect((await db.domain.findUniqueOrThrow({ where: { id } })).verifiedAt).toBeNull();
  });

  it("says the record is not found yet when the name does not exist", async () => {
    const { ctx, id, challenge } = await claim();
    await serve({ "_directory-console-challenge.other.example": ["x"] });
    expect(await verifyByDns(ctx, id)).toEqual({
      verified: false,
      message: expect.stringContaining(`No TXT record ${challenge.recordName} found yet`),
    });
  });

  it("answers in words, not with an error, when the DNS server does not answer", async () => {
    const { ctx, id } = await claim();
    process.env.DNS_SERVER = `127.0.0.1:${await freePort()}`;
    const outcome = await verifyByDns(ctx, id);
    expect(outcome.verified).toBe(false);
    expect(outcome.message).toMatch(/got no answer \(E[A-Z]+\)/);
  });
});

describe("a domain is verified by at most one organisation", () => {
  it("refuses a second organisation's verification, though it may claim the name", async () => {
    const first = await claim();
    await serve({ [first.challenge.recordName]: [first.challenge.value] });
    expect((await verifyByDns(first.ctx, first.id)).verified).toBe(true);

    const org = await makeOrg("attacker");
    const ctx = { actorId: null, organizationId: org.id };
    const second = await claimDomain(ctx, first.name);
    expect(second.verifiedElsewhere).toBe(true);
    const token = challengeOf(await db.domain.findUniqueOrThrow({ where: { id: second.id } })).value;
    await dns?.stop();
    await serve({ [first.challenge.recordName]: [first.challenge.value, token] });
    await expect(verifyByDns(ctx, second.id)).rejects.toThrow(
      `${first.name} is verified by another organisation.`,
    );
    await expect(approveDomain(OPERATOR, second.id)).rejects.toThrow(
      `${first.name} is verified by another organisation.`,
    );
    expect(await verifiedOwnerOfEmail(`x@${first.name}`)).toBe(first.org.id);
  });

  it("lets exactly one of two racing verifications win", async () => {
    const a = await claim();
    const orgB = await makeOrg("race");
    const ctxB = { actorId: null, organizationId: orgB.id };
    const b = await claimDomain(ctxB, a.name);
    const tokenB = challengeOf(await db.domain.findUniqueOrThrow({ where: { id: b.id } })).value;
    await serve({ [a.challenge.recordName]: [a.challenge.value, tokenB] });
    const results = await Promise.allSettled([verifyByDns(a.ctx, a.id), verifyByDns(ctxB, b.id)]);
    expect(results.filter((r) => r.status === "fulfilled" && r.value.verified)).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.reason).toHaveProperty("message", `${a.name} is verified by another organisation.`);
    expect(await db.domain.count({ where: { name: a.name, verifiedAt: { not: null } } })).toBe(1);
  });

  it("refuses through the unique index when the other verification is not committed yet", async () => {
    const a = await claim();
    const orgB = await makeOrg("race");
    const b = await claimDomain({ actorId: null, organizationId: orgB.id }, a.name);
    let approval: Promise<unknown> | undefined;
    // Organisation A's verification holds the index entry, uncommitted, while B's approval reaches its write:
    // B's check sees nothing, and the index makes it wait and then refuse.
    await db.$transaction(
      async (tx) => {
        await tx.domain.update({ where: { id: a.id }, data: { verifiedAt: new Date() } });
        approval = approveDomain(OPERATOR, b.id).catch((e: unknown) => e);
        const until = Date.now() + 10_000;
        while (Date.now() < until) {
          const [{ waiting }] = await db.$queryRaw<{ waiting: bigint }[]>`
            select count(*) as waiting from pg_locks where not granted`;
          if (waiting > 0n) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      { timeout: 15_000 },
    );
    expect(await approval).toHaveProperty("message", `${a.name} is verified by another organisation.`);
    expect((await db.domain.findUniqueOrThrow({ where: { id: b.id } })).verifiedAt).toBeNull();
  });
});

describe("platform approval and revocation", () => {
  it("approves without DNS for platform administrators only, and revokes for the organisation", async () => {
    const { ctx, id, name } = await claim();
    const admin = await makeUser({ platformAdmin: true });
    await expect(approveDomain({ id: admin.id, isPlatformAdmin: false }, id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await approveDomain({ id: admin.id, isPlatformAdmin: true }, id)).toMatchObject({
      verified: true,
    });
    expect(await db.domain.findUniqueOrThrow({ where: { id } })).toMatchObject({
      verificationMethod: "APPROVED",
      verifiedById: admin.id,
    });
    expect(await db.auditLog.count({ where: { targetId: id, action: "domain.approve" } })).toBe(1);

    await revokeVerification(ctx, id);
    expect(await db.domain.findUniqueOrThrow({ where: { id } })).toMatchObject({
      verifiedAt: null,
      verificationMethod: null,
    });
    expect(await verifiedOwnerOfEmail(`x@${name}`)).toBeNull();
    expect(await db.auditLog.count({ where: { targetId: id, action: "domain.revoke-verification" } })).toBe(
      1,
    );
  });

  it("gives another organisation's administrator nothing of this organisation's domain", async () => {
    const { id, challenge } = await claim();
    await approveDomain(OPERATOR, id);
    const other = await makeOrg("attacker");
    const attacker = { actorId: null, organizationId: other.id };
    await serve({ [challenge.recordName]: [challenge.value] });
    await expect(verifyByDns(attacker, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeVerification(attacker, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(approveDomain({ id: null, isPlatformAdmin: false }, id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(saveAdvanced(attacker, id, advanced({ ntDomain: "X" }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await db.domain.findUniqueOrThrow({ where: { id } })).verifiedAt).not.toBeNull();
  });

  it("drops the verification when the domain is renamed", async () => {
    const { ctx, id } = await claim();
    await approveDomain(OPERATOR, id);
    await renameDomain(ctx, id, `renamed-${uid()}.example`);
    expect((await db.domain.findUniqueOrThrow({ where: { id } })).verifiedAt).toBeNull();
  });
});

describe("Windows NT domain names and bind addresses route to one organisation", () => {
  it("refuses an NT domain name that another organisation's verified domain uses, on the field", async () => {
    const nt = `NT${uid()}`.slice(0, 15).toUpperCase();
    const a = await claim();
    await saveAdvanced(a.ctx, a.id, advanced({ ntDomain: nt }));
    await approveDomain(OPERATOR, a.id);
    const b = await claim();
    const error = await saveAdvanced(b.ctx, b.id, advanced({ ntDomain: nt.toLowerCase() })).catch((e) => e);
    expect(error).toMatchObject({
      message:
        `The Windows NT domain ${nt.toLowerCase()} ` +
        "is used by a verified domain of another organisation.",
      fieldErrors: { ntDomain: expect.stringContaining("another organisation") },
    });
  });

  it("says so when verifying a domain whose NT name a verified domain took meanwhile", async () => {
    const nt = `NT${uid()}`.slice(0, 15).toUpperCase();
    const a = await claim();
    const b = await claim();
    await saveAdvanced(a.ctx, a.id, advanced({ ntDomain: nt }));
    await saveAdvanced(b.ctx, b.id, advanced({ ntDomain: nt }));
    await approveDomain(OPERATOR, a.id);
    await serve({ [b.challenge.recordName]: [b.challenge.value] });
    await expect(verifyByDns(b.ctx, b.id)).rejects.toThrow(
      `${b.name} can't be verified yet. The Windows NT domain ${nt} is used by a verified domain of another`,
    );
  });

  it("waits for a bound address's approval, approves it once, refuses it to another one", async () => {
    const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
    const a = await claim();
    await saveAdvanced(a.ctx, a.id, advanced({ bindIpAddress: address }));
    expect((await db.domain.findUniqueOrThrow({ where: { id: a.id } })).bindIpApprovedAt).toBeNull();
    await expect(approveBindAddress({ id: null, isPlatformAdmin: false }, a.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await approveBindAddress(OPERATOR, a.id);
    expect((await db.domain.findUniqueOrThrow({ where: { id: a.id } })).bindIpApprovedAt).not.toBeNull();

    // Saving the same address keeps the approval; another address needs a new one.
    await saveAdvanced(a.ctx, a.id, { ...advanced({ bindIpAddress: address }), pamServiceName: "dc" });
    expect((await db.domain.findUniqueOrThrow({ where: { id: a.id } })).bindIpApprovedAt).not.toBeNull();

    const b = await claim();
    await saveAdvanced(b.ctx, b.id, advanced({ bindIpAddress: address }));
    await expect(approveBindAddress(OPERATOR, b.id)).rejects.toThrow(
      `${address} is already bound to a domain of another organisation.`,
    );

    await saveAdvanced(a.ctx, a.id, advanced({ bindIpAddress: "10.255.255.254" }));
    expect((await db.domain.findUniqueOrThrow({ where: { id: a.id } })).bindIpApprovedAt).toBeNull();
    await approveBindAddress(OPERATOR, b.id);
  });
});

describe("the verifyDomain factory", () => {
  it("takes a shared name over from another organisation's fixture", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const name = `shared-${uid()}.example`;
    await verifyDomain(a, name);
    await verifyDomain(b, name);
    expect(await verifiedOwnerOfEmail(`x@${name}`)).toBe(b.id);
    await verifyDomain(b, name);
    expect(await db.domain.count({ where: { name } })).toBe(2);
  });
});

describe("command line", () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/cli.ts", ...args], {
      env: process.env,
      timeout: 60_000,
    });

  it("adds, verifies by DNS, approves and lists domains", async () => {
    const org = await makeOrg("cli");
    const name = `cli-${uid()}.example`;
    const added = await cli("domain", "add", org.slug, name);
    expect(added.stdout).toContain(`publish: _directory-console-challenge.${name} TXT "`);
    const token = /TXT "([0-9a-f]+)"/.exec(added.stdout)![1];
    await serve({ [`_directory-console-challenge.${name}`]: [token] });
    const verified = await cli("domain", "verify", org.slug, name);
    expect(verified.stdout).toContain("Verified");

    const other = `cli-${uid()}.example`;
    await cli("domain", "add", org.slug, other);
    const missing = await cli("domain", "verify", org.slug, other).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(missing).toMatchObject({ code: 3, stdout: expect.stringContaining("found yet") });
    await cli("domain", "verify", org.slug, other, "--approve");

    const listed = JSON.parse((await cli("domain", "list", org.slug, "--json")).stdout) as unknown[];
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name,
          verification: "verified",
          method: "DNS",
          record: { recordName: `_directory-console-challenge.${name}`, value: token },
          ntDomain: null,
          bindIpAddress: null,
        }),
        expect.objectContaining({ name: other, verification: "verified", method: "APPROVED" }),
      ]),
    );
  }, 120_000);
});
