// The tests' Prisma client, for vitest and Playwright alike (no `server-only`, no path aliases). It refuses
// a database that is not on this machine, so that no test writes to a shared or production one by mistake.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set: run the tests with `npm test`.");
const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(new URL(url).hostname);
// scripts/test.ts refuses the same unless ALLOW_REMOTE_TEST_DATABASE=true says it is meant.
if (!local && process.env.ALLOW_REMOTE_TEST_DATABASE !== "true")
  throw new Error("Refusing a non-local DATABASE_URL in tests.");

// The same globalThis slot as lib/db.ts: in vitest, services and factories share one client and pool.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const db: PrismaClient = (globalForPrisma.prisma ??= new PrismaClient({
  adapter: new PrismaPg({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }),
}));
