import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

// One client per process, kept on globalThis so that dev reloads do not open a pool per reload.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString)
    throw new Error("DATABASE_URL is not set: start the console with `npm run dev` or `npm start`.");
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }),
  });
}

export const db: PrismaClient = globalForPrisma.prisma ?? (globalForPrisma.prisma = createClient());

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
