import "server-only";
import type { LogQuery } from "@/lib/logs/filter";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export const LOG_PAGE_SIZE = 50;

function where(organizationId: string, q: LogQuery): Prisma.LogEntryWhereInput {
  return {
    organizationId,
    ...(q.level ? { level: q.level } : {}),
    ...(q.connection ? { connectionId: q.connection } : {}),
    ...(q.fromDate || q.toDate
      ? { createdAt: { ...(q.fromDate ? { gte: q.fromDate } : {}), ...(q.toDate ? { lte: q.toDate } : {}) } }
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
