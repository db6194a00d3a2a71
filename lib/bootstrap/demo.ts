import "server-only";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/generated/prisma/enums";

// Demo data for `npm run dev`: fixed, printed credentials so a newcomer can sign in at once. Never used by
// `npm start` unless SEED_DEMO=true.
export const DEMO_ACCOUNTS: {
  email: string;
  name: string;
  accountName: string;
  password: string;
  roles: Role[];
  platformAdmin?: boolean;
  label: string;
}[] = [
  {
    email: "platform@acme.example",
    name: "Paula Platform",
    accountName: "paula",
    password: "Platform-demo-2026",
    roles: [],
    platformAdmin: true,
    label: "platform administrator",
  },
  {
    email: "admin@acme.example",
    name: "Oscar Orgadmin",
    accountName: "oscar",
    password: "Acme-admin-demo-2026",
    roles: ["ORG_ADMIN", "ORIGINATOR"],
    label: "organisation administrator (Acme)",
  },
  {
    email: "alice@acme.example",
    name: "Alice Anders",
    accountName: "alice",
    password: "Member-demo-2026",
    roles: ["ORIGINATOR"],
    label: "member, Originator",
  },
  {
    email: "bob@acme.example",
    name: "Bob Brown",
    accountName: "bob",
    password: "Member-demo-2026",
    roles: ["ORIGINATOR"],
    label: "member, Originator",
  },
  {
    email: "carol@acme.example",
    name: "Carol Chen",
    accountName: "carol",
    password: "Member-demo-2026",
    roles: ["COLLABORATOR"],
    label: "member, Collaborator",
  },
];

/** Seeds the demo organisation once; returns false when the database already has organisations. */
export async function seedDemo(): Promise<boolean> {
  if ((await db.organization.count()) > 0) return false;
  const standard =
    (await db.plan.findFirst({ where: { isDefault: true }, select: { id: true } })) ??
    (await db.plan.create({
      data: { name: "Standard", storageQuotaBytes: BigInt(10 * 1024 ** 3), isDefault: true },
      select: { id: true },
    }));
  await db.plan.upsert({
    where: { name: "Large" },
    update: {},
    create: { name: "Large", storageQuotaBytes: BigInt(100 * 1024 ** 3) },
  });
  const acme = await db.organization.create({
    data: { slug: "acme", name: "Acme", defaultPlanId: standard.id },
    select: { id: true },
  });
  await db.organization.create({ data: { slug: "globex", name: "Globex", defaultPlanId: standard.id } });
  for (const account of DEMO_ACCOUNTS) {
    await db.user.create({
      data: {
        email: account.email,
        name: account.name,
        accountName: account.accountName,
        passwordHash: await hashPassword(account.password),
        passwordChangedAt: new Date(),
        isPlatformAdmin: account.platformAdmin ?? false,
        memberships: account.roles.length
          ? { create: { organizationId: acme.id, roles: account.roles, planId: standard.id } }
          : undefined,
      },
    });
  }
  return true;
}

export const DEMO_DOMAIN = "acme.example";

/**
 * The demo organisation's email domain, verified (approved: acme.example has no public DNS), with its NT name
 * ACME approved, so that its
 * directory may create and sign in its people. Runs at every start: dev databases made before verified
 * domains existed get it too. False when there is nothing to do (or another organisation verified it).
 */
export async function ensureDemoDomain(): Promise<boolean> {
  const acme = await db.organization.findUnique({ where: { slug: "acme" }, select: { id: true } });
  if (!acme) return false;
  const taken = await db.domain.count({
    where: { name: DEMO_DOMAIN, verifiedAt: { not: null }, organizationId: { not: acme.id } },
  });
  if (taken) return false;
  const row = await db.domain.findUnique({
    where: { organizationId_name: { organizationId: acme.id, name: DEMO_DOMAIN } },
    select: { id: true, verifiedAt: true },
  });
  if (row?.verifiedAt) return false;
  // ACME\name sign-ins route to Acme: the demo's NT domain name, approved like the domain.
  const ntFree = !(await db.domain.count({ where: { ntDomain: "ACME", ntDomainApprovedAt: { not: null } } }));
  const verified = {
    verifiedAt: new Date(),
    verificationMethod: "APPROVED" as const,
    ...(ntFree ? { ntDomain: "ACME", ntDomainApprovedAt: new Date() } : {}),
  };
  const { audit } = await import("@/lib/audit");
  await db.$transaction(async (tx) => {
    const domain = row
      ? await tx.domain.update({ where: { id: row.id }, data: verified, select: { id: true } })
      : await tx.domain.create({
          data: {
            organizationId: acme.id,
            name: DEMO_DOMAIN,
            kerberosRealm: DEMO_DOMAIN.toUpperCase(),
            ...verified,
          },
          select: { id: true },
        });
    await audit(tx, {
      actorId: null,
      organizationId: acme.id,
      action: "domain.approve",
      targetType: "domain",
      targetId: domain.id,
      details: { name: DEMO_DOMAIN, method: "APPROVED", reason: "demo data" },
    });
  });
  return true;
}

/** The demo organisation's connection to the demo directory (scripts/lib/demo-directory.ts), created once. */
export async function ensureDemoConnection(directory: {
  url: string;
  baseDn: string;
  managerDn: string;
  managerPassword: string;
}): Promise<boolean> {
  const acme = await db.organization.findUnique({ where: { slug: "acme" }, select: { id: true } });
  if (!acme) return false;
  const name = "Acme demo directory";
  if (await db.ldapConnection.findFirst({ where: { organizationId: acme.id, name }, select: { id: true } }))
    return false;
  const { encryptSecret } = await import("@/lib/crypto");
  const { PRESETS } = await import("@/lib/directory/presets");
  await db.ldapConnection.create({
    data: {
      organizationId: acme.id,
      name,
      preset: "OPENLDAP",
      serverUrl: directory.url,
      serverTimeout: 5000,
      managerDn: directory.managerDn,
      managerPasswordEnc: encryptSecret(directory.managerPassword),
      baseDn: `ou=people,${directory.baseDn}`,
      domain: "acme.example",
      ...PRESETS.OPENLDAP,
      // The demo's groups sit beside the people, outside the Base DN.
      groupBaseDn: `ou=groups,${directory.baseDn}`,
      position: 0,
    },
  });
  return true;
}

const DEMO_FILES: { owner: string; name: string; mimeType: string; body: string; shareWith?: string[] }[] = [
  {
    owner: "ada.adams@acme.example",
    name: "Q3 sales forecast.csv",
    mimeType: "text/csv",
    body: "region,q3\nnorth,120000\nsouth,98000\n",
    shareWith: ["alice@acme.example"],
  },
  {
    owner: "ada.adams@acme.example",
    name: "Team offsite agenda.txt",
    mimeType: "text/plain",
    body: "09:00 Welcome\n10:00 Roadmap\n12:00 Lunch\n",
  },
  {
    owner: "ben.hansen@acme.example",
    name: "Design review notes.md",
    mimeType: "text/markdown",
    body: "# Design review\n\n- Directory sync: approved\n",
    shareWith: ["ada.adams@acme.example"],
  },
  {
    owner: "alice@acme.example",
    name: "Welcome pack.txt",
    mimeType: "text/plain",
    body: "Welcome to Acme.\n",
    shareWith: ["bob@acme.example", "carol@acme.example"],
  },
];

/**
 * Files owned by demo directory users (and a local one), once: so that disabling Ada in the demo directory
 * and syncing shows the whole flow — pending transfer, the notification, the transfer. Syncs the demo
 * connection first when its users are not there yet.
 */
export async function seedDemoFiles(): Promise<number> {
  const acme = await db.organization.findUnique({ where: { slug: "acme" }, select: { id: true } });
  if (!acme || (await db.file.count({ where: { organizationId: acme.id } })) > 0) return 0;
  const owners = [...new Set(DEMO_FILES.flatMap((f) => [f.owner, ...(f.shareWith ?? [])]))];
  const present = async () =>
    db.user.findMany({
      where: { email: { in: owners }, memberships: { some: { organizationId: acme.id } } },
      select: { id: true, email: true },
    });
  let users = await present();
  if (users.length < owners.length) {
    const connection = await db.ldapConnection.findFirst({
      where: { organizationId: acme.id, name: "Acme demo directory" },
      select: { id: true },
    });
    if (connection) {
      const { syncConnection } = await import("@/lib/sync/engine");
      await syncConnection(connection.id, { trigger: "CLI", full: true });
      users = await present();
    }
  }
  const byEmail = new Map(users.map((u) => [u.email, u.id]));
  const { writeBytes } = await import("@/lib/files/storage");
  let created = 0;
  for (const f of DEMO_FILES) {
    const ownerId = byEmail.get(f.owner);
    if (!ownerId) continue;
    const bytes = Buffer.from(f.body);
    const storageKey = crypto.randomUUID();
    await writeBytes(storageKey, bytes);
    await db.file.create({
      data: {
        organizationId: acme.id,
        ownerId,
        name: f.name,
        mimeType: f.mimeType,
        sizeBytes: BigInt(bytes.length),
        storageKey,
        shares: {
          create: (f.shareWith ?? []).flatMap((e) => (byEmail.has(e) ? [{ userId: byEmail.get(e)! }] : [])),
        },
      },
    });
    created += 1;
  }
  return created;
}
