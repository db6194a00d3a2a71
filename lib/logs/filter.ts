// The logs page's filters as they arrive in the URL, for the page and its CSV export alike. Pure: a filter
// the console cannot apply (an impossible date, an end before the start) is dropped and named in `error`, so
// the page shows it beside the filters and the export refuses it with a 400, never a database error.
import { z } from "zod";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;

const filterSchema = z.object({
  level: z.enum(LOG_LEVELS).optional().catch(undefined),
  connection: z.uuid().optional().catch(undefined),
  from: z.string().optional().catch(undefined),
  to: z.string().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

export type LogQuery = {
  level?: (typeof LOG_LEVELS)[number];
  connection?: string;
  /** As typed ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", UTC), for the form and the links. */
  from?: string;
  to?: string;
  fromDate?: Date;
  toDate?: Date;
  page: number;
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** A UTC instant, or null for anything that is not a real date and time (2026-02-30, 2026-99-99, 24:00). */
export function parseFilterDate(value: string, end: "start" | "end"): Date | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hasTime = m[4] !== undefined;
  const [hour, minute] = hasTime ? [Number(m[4]), Number(m[5])] : end === "end" ? [23, 59] : [0, 0];
  if (year < 1970 || hour > 23 || minute > 59) return null;
  const wholeDayEnd = !hasTime && end === "end";
  const date = new Date(
    Date.UTC(year, month - 1, day, hour, minute, wholeDayEnd ? 59 : 0, wholeDayEnd ? 999 : 0),
  );
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

export function parseLogQuery(raw: Record<string, unknown>): { query: LogQuery; error?: string } {
  const base = filterSchema.parse(raw);
  const query: LogQuery = { level: base.level, connection: base.connection, page: base.page };
  const errors: string[] = [];
  const from = base.from?.trim();
  const to = base.to?.trim();
  if (from) {
    const date = parseFilterDate(from, "start");
    if (date) Object.assign(query, { from, fromDate: date });
    else errors.push(`“From” is not a date: use YYYY-MM-DD.`);
  }
  if (to) {
    const date = parseFilterDate(to, "end");
    if (!date) errors.push(`“To” is not a date: use YYYY-MM-DD.`);
    else if (query.fromDate && date < query.fromDate) errors.push(`“To” is before “From”.`);
    else Object.assign(query, { to, toDate: date });
  }
  return errors.length ? { query, error: errors.join(" ") } : { query };
}
