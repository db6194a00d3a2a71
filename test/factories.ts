// Test data for vitest and Playwright alike: each test makes its own organisation and users with unique
// names. Relative imports and no `server-only`, so that Playwright (no react-server condition, no vitest
// alias) loads it too.
import crypto from "node:crypto";
import { db } from "./db";
import { hashPassword } from "../lib/auth/password";
import { encryptSecret } from "../lib/crypto-core";
import { PRESETS } from "../lib/directory/presets";
import type { Role, UserSource, UserStatus } from "../lib/generated/prisma/enums";

export const uid = () => crypto.randomBytes(4).toString("hex");

/** Every factory user's password unless a test chooses another. */
export const PASSWORD = "Correct-horse-battery-1";
// argon2 costs tens of milliseconds: hash the shared password once per process.
let sharedHash: Promise<string> | undefined;
const hashOf = (password: string) =>
  password === PASSWORD ? (sharedHash ??= hashPassword(PASSWORD)) : hashPassword(password);

export async function defaultPlanId(): Promise<string> {
  const plan = await db.plan.findFirst({ where: { isDefault: true }, select: { id: true } });
  if (plan) return plan.id;
  return (
    await db.plan.create({
      data: { name: `Default ${uid()}`, storageQuotaBytes: 10n * 1024n ** 3n, isDefault: true },
      select: { id: true },
    })
  ).id;
}

export async function makeOrg(prefix = "org") {
  const slug = `${prefix}-${uid()}`;
  return db.organization.create({
    data: { slug, name: `Org ${slug}`, defaultPlanId: await defaultPlanId() },
    select: { id: true, slug: true, name: true },
  });
}

export type TestOrg = Awaited<ReturnType<typeof makeOrg>>;

export async function makeUser(
  options: {
    org?: { id: string };
    roles?: Role[];
    password?: string;
    source?: UserSource;
    platformAdmin?: boolean;
    status?: UserStatus;
    emailPrefix?: string;
    name?: string;
  } = {},
) {
  const email = `${options.emailPrefix ?? "user"}-${uid()}@test.example`;
  const password = options.password ?? PASSWORD;
  const planId = await defaultPlanId();
  const user = await db.user.create({
    data: {
      email,
      name: options.name ?? `User ${email}`,
      accountName: email.split("@")[0],
      passwordHash: await hashOf(password),
      source: options.source ?? "LOCAL",
      status: options.status ?? "ACTIVE",
      isPlatformAdmin: options.platformAdmin ?? false,
      memberships: options.org
        ? { create: { organizationId: options.org.id, roles: options.roles ?? ["ORIGINATOR"], planId } }
        : undefined,
    },
    select: { id: true, email: true, name: true, accountName: true },
  });
  return { ...user, password };
}

export type TestUser = Awaited<ReturnType<typeof makeUser>>;

/** The signed-in user as services see them (lib/auth/session.ts's CurrentUser, reduced to what they use). */
export async function memberOf(userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      isPlatformAdmin: true,
      memberships: { select: { organizationId: true, roles: true } },
    },
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isPlatformAdmin: user.isPlatformAdmin,
    roles: Object.fromEntries(user.memberships.map((m) => [m.organizationId, m.roles])),
  };
}

/**
 * An OpenLDAP-preset connection of `org` to a test directory, reading the users under ou=people. The
 * connection's domain (example.com unless overridden) becomes a verified domain of `org`.
 */
export async function connectTo(
  s: { url: string; managerDn: string; managerPassword: string; baseDn: string },
  org: { id: string },
  overrides: Record<string, unknown> = {},
) {
  await verifyDomain(org, typeof overrides.domain === "string" ? overrides.domain : "example.com");
  return db.ldapConnection.create({
    data: {
      organizationId: org.id,
      name: `Dir ${uid()}`,
      preset: "OPENLDAP",
      serverUrl: s.url,
      serverTimeout: 5000,
      managerDn: s.managerDn,
      managerPasswordEnc: encryptSecret(s.managerPassword),
      baseDn: `ou=people,${s.baseDn}`,
      domain: "example.com",
      ...PRESETS.OPENLDAP,
      ...overrides,
    },
    select: { id: true },
  });
}

/**
 * Marks `name` verified (APPROVED) for `org`, creating its Domain row when missing. Tests share one database
 * and many fixtures use the same names (example.com), so any other organisation's verification of the name is
 * withdrawn first, in the same transaction (and any other verification of the row's Windows NT domain name).
 */
export async function verifyDomain(org: { id: string }, name: string) {
  const lower = name.toLowerCase();
  return db.$transaction(async (tx) => {
    await tx.domain.updateMany({
      where: {
        name: { equals: lower, mode: "insensitive" },
        organizationId: { not: org.id },
        verifiedAt: { not: null },
      },
      data: { verifiedAt: null, verificationMethod: null, verifiedById: null },
    });
    const existing = await tx.domain.findUnique({
      where: { organizationId_name: { organizationId: org.id, name: lower } },
      select: { id: true, ntDomain: true },
    });
    if (existing?.ntDomain)
      await tx.domain.updateMany({
        where: {
          id: { not: existing.id },
          ntDomain: { equals: existing.ntDomain, mode: "insensitive" },
          verifiedAt: { not: null },
        },
        data: { verifiedAt: null, verificationMethod: null, verifiedById: null },
      });
    const verified = { verifiedAt: new Date(), verificationMethod: "APPROVED" as const };
    return tx.domain.upsert({
      where: { organizationId_name: { organizationId: org.id, name: lower } },
      update: verified,
      create: { organizationId: org.id, name: lower, kerberosRealm: lower.toUpperCase(), ...verified },
      select: { id: true, name: true },
    });
  });
}
