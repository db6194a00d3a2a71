// End-to-end fixtures write their own rows straight into the test database (never the demo data).
import crypto from "node:crypto";
import { hash } from "@node-rs/argon2";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import type { Role } from "../../lib/generated/prisma/enums";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set: run the end-to-end tests with `npm test`.");
if (!["127.0.0.1", "localhost", "::1"].includes(new URL(url).hostname))
  throw new Error("Refusing a non-local DATABASE_URL in end-to-end tests.");

export const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 3 }) });
export const uid = () => crypto.randomBytes(4).toString("hex");
export const PASSWORD = "E2e-password-2026";

let passwordHash: Promise<string> | undefined;

async function planId() {
  const plan = await db.plan.findFirst({ where: { isDefault: true }, select: { id: true } });
  return (
    plan?.id ??
    (
      await db.plan.create({
        data: { name: "Standard", storageQuotaBytes: 10n * 1024n ** 3n, isDefault: true },
        select: { id: true },
      })
    ).id
  );
}

export async function createOrg(prefix = "org") {
  const slug = `${prefix}-${uid()}`;
  return db.organization.create({
    data: {
      slug,
      name: `${prefix[0].toUpperCase()}${prefix.slice(1)} ${slug.slice(-4)}`,
      defaultPlanId: await planId(),
    },
    select: { id: true, slug: true, name: true },
  });
}

export async function createUser(
  options: {
    org?: { id: string };
    roles?: Role[];
    platformAdmin?: boolean;
    name?: string;
    prefix?: string;
    source?: "LOCAL" | "DIRECTORY";
  } = {},
) {
  const email = `${options.prefix ?? "person"}-${uid()}@e2e.example`;
  const user = await db.user.create({
    data: {
      email,
      name: options.name ?? `Person ${email.slice(7, 11)}`,
      accountName: email.split("@")[0],
      passwordHash: await (passwordHash ??= hash(PASSWORD)),
      source: options.source ?? "LOCAL",
      isPlatformAdmin: options.platformAdmin ?? false,
      memberships: options.org
        ? {
            create: {
              organizationId: options.org.id,
              roles: options.roles ?? ["ORIGINATOR"],
              planId: await planId(),
            },
          }
        : undefined,
    },
    select: { id: true, email: true, name: true },
  });
  return { ...user, password: PASSWORD };
}

/**
 * Marks `name` a verified email domain of `org`, taking it back from any organisation an earlier test gave it
 * to (tests share one database and run one at a time; one verified owner per domain).
 */
export async function verifyDomain(org: { id: string }, name: string) {
  await db.$transaction([
    db.domain.updateMany({
      where: { name, organizationId: { not: org.id }, verifiedAt: { not: null } },
      data: { verifiedAt: null, verificationMethod: null },
    }),
    db.domain.upsert({
      where: { organizationId_name: { organizationId: org.id, name } },
      create: { organizationId: org.id, name, verifiedAt: new Date(), verificationMethod: "APPROVED" },
      update: { verifiedAt: new Date(), verificationMethod: "APPROVED" },
    }),
  ]);
}
