import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;

export const logQuerySchema = z.object({
  level: z.enum(LOG_LEVELS).optional().catch(undefined),
  connection: z.uuid().optional().catch(undefined),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/)
    .optional()
    .catch(undefined),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/)
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type LogQuery = z.output<typeof logQuerySchema>;

export const LOG_PAGE_SIZE = 50;

function where(organizationId: string, q: LogQuery): Prisma.LogEntryWhereInput {
  return {
    organizationId,
    ...(q.level ? { level: q.level } : {}),
    ...(q.connection ? { connectionId: q.connection } : {}),
    ...(q.from || q.to
      ? {
          createdAt: {
            ...(q.from ? { gte: new Date(`${q.from}${q.from.length === 10 ? "T00:00" : ""}Z`) } : {}),
            ...(q.to ? { lte: new Date(`${q.to}${q.to.length === 10 ? "T23:59:59.999" : ""}Z`) } : {}),
          },
        }
      : {}),
  };
}

export async function listLogs(organizationId: string, q: LogQuery) {
  const w = where(organizationId, q);
  const [total, rows] = await Promise.all([
    db.logEntry.count({ where: w }),
    db.logEntry.findMany({
      where: w,
      orderBy: { createdAt: "desc" },
      skip: (q.page - 1) * LOG_PAGE_SIZE,
      take: LOG_PAGE_SIZE,
      select: {
        id: true,
        level: true,
        message: true,
        details: true,
        createdAt: true,
        connection: { select: { name: true } },
      },
    }),
  ]);
  return { total, rows };
}

/** Every matching entry, newest first, in batches: for the export. */
export async function* allLogs(organizationId: string, q: LogQuery) {
  const w = where(organizationId, q);
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.logEntry.findMany({
      where: w,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 1000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: {
        id: true,
        level: true,
        message: true,
        details: true,
        createdAt: true,
        connection: { select: { name: true } },
      },
    });
    if (rows.length === 0) return;
    yield rows;
    cursor = rows[rows.length - 1].id;
  }
}
