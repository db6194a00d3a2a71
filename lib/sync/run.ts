import "server-only";
import type { Entry } from "ldapts";
import type { FieldNames } from "@/lib/directory/presets";
import type { UserSource } from "@/lib/generated/prisma/enums";
import { isAscii, mapEntry, type MappedEntry } from "@/lib/sync/map";

// What one synchronisation run carries from step to step (counts, warnings, the plan, who to disable), and
// the small helpers every step shares.

export const PAGE_SIZE = 1000;

const MAX_WARNINGS = 200;

const MAX_PLAN_NAMES = 500;

export type PlanItem = { email: string; name: string; reason?: string };

export type SyncPlan = {
  create: PlanItem[];
  update: PlanItem[];
  disable: PlanItem[];
  pendingTransfer: PlanItem[];
  reenable: PlanItem[];
};

export type ExistingUser = {
  id: string;
  email: string;
  name: string;
  source: UserSource;
  status: "ACTIVE" | "DISABLED" | "PENDING_TRANSFER";
  connectionId: string | null;
  directoryId: string | null;
  directoryHash: string | null;
  supersededById: string | null;
};

export type Disable = {
  id: string;
  email: string;
  name: string;
  reason: string;
  kind: "status" | "gone" | "superseded";
  targetUserId?: string;
};

export class Run {
  counts = {
    entriesRead: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    disabled: 0,
    reenabled: 0,
    pendingTransfer: 0,
  };
  warnings: string[] = [];
  warningCount = 0;
  seen = new Set<string>();
  emailsSeen = new Set<string>();
  toDisable = new Map<string, Disable>();
  plan: SyncPlan = { create: [], update: [], disable: [], pendingTransfer: [], reenable: [] };
  maxChangeMark: string | null = null;
  /** The connection's current accounts, when a listing counted them. */
  accounts: number | null = null;
  /** The stable ids a listing found (a full sync that read only changed entries). */
  listed: Set<string> | null = null;

  warn(message: string) {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
  }

  note(list: keyof SyncPlan, item: PlanItem) {
    if (this.plan[list].length < MAX_PLAN_NAMES) this.plan[list].push(item);
  }
}

export function compareMarks(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b) ? 1 : BigInt(a) < BigInt(b) ? -1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Maps a page of entries, with the run's warnings: no email, duplicate emails, non-ASCII account names. */
export function mapPage(entries: Entry[], run: Run, fields: FieldNames): MappedEntry[] {
  const batch: MappedEntry[] = [];
  for (const raw of entries) {
    run.counts.entriesRead++;
    const mapped = mapEntry(raw, fields);
    if (!mapped.ok) {
      run.warn(`Entry without email (${fields.emailField}) skipped: ${mapped.dn}`);
      continue;
    }
    const e = mapped.entry;
    if (run.emailsSeen.has(e.email)) {
      run.warn(`Two entries have the email ${e.email}; the second (${e.dn}) was skipped.`);
      continue;
    }
    run.emailsSeen.add(e.email);
    if (e.accountName && !isAscii(e.accountName))
      run.warn(`Account name "${e.accountName}" (${e.email}) is not ASCII: use ASCII for usernames.`);
    if (e.changeMark && (!run.maxChangeMark || compareMarks(e.changeMark, run.maxChangeMark) > 0))
      run.maxChangeMark = e.changeMark;
    batch.push(e);
  }
  return batch;
}

/** Reads the next page while the current one is written, so that directory and database work overlap. */
export async function* prefetch<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = source.next();
    next.catch(() => {}); // surfaced by the await above on the next turn
    yield current.value;
  }
}

export const T = process.env.SYNC_TIMING
  ? (label: string, t0: number) => {
      const g = globalThis as { __t?: Record<string, number> };
      g.__t ??= {};
      g.__t[label] = (g.__t[label] ?? 0) + performance.now() - t0;
    }
  : () => {};
