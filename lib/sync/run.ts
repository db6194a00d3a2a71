import "server-only";
import type { Entry } from "ldapts";
import type { UserSource } from "@/lib/generated/prisma/enums";
import { isAscii, mapEntry, type MapFields, type MappedEntry } from "@/lib/sync/map";
import type { BatchPlan, Claim } from "@/lib/sync/decide";

// What one synchronisation run carries from step to step (counts, warnings, the plan, who to disable), and
// the small helpers every step shares.

export const PAGE_SIZE = 1000;

const MAX_WARNINGS = 200;

const MAX_PLAN_NAMES = 500;

export type PlanItem = { email: string; name: string; reason?: string };

export type SyncPlan = {
  create: PlanItem[];
  conflict: PlanItem[];
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

/** An entry claiming an email whose account is bound to another connection or another stable id. */
export type IdentityConflict = {
  userId: string;
  email: string;
  entry: { dn: string; directoryId: string | null };
  existing: { dn: string | null; directoryId: string | null; connectionId: string | null };
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
  /** Each email's first claimant in this read: a second entry with the email is an identity conflict. */
  claims = new Map<string, Claim>();
  /**
   * Batches are decided one after the other in read order (their candidates are fetched side by side), so
   * that which entry claimed an email first never depends on which query answered first.
   */
  decided: Promise<void> = Promise.resolve();
  toDisable = new Map<string, Disable>();
  plan: SyncPlan = { create: [], conflict: [], update: [], disable: [], pendingTransfer: [], reenable: [] };
  /** Identity conflicts found by this run: nothing changes for them until an administrator decides. */
  conflicts: IdentityConflict[] = [];
  /** Entries skipped because their email domain is not a verified domain of the organisation, per domain. */
  unverified = new Map<string, number>();
  maxChangeMark: string | null = null;
  /** The connection's current accounts, when a listing counted them. */
  accounts: number | null = null;
  /** The stable ids a listing found (a full sync that read only changed entries). */
  listed: Set<string> | null = null;

  warn(message: string) {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
  }

  /** The first entry of a domain names it in a warning; the count is told at the end of the run. */
  skipUnverified(domain: string) {
    const seen = this.unverified.get(domain) ?? 0;
    this.unverified.set(domain, seen + 1);
  }

  conflict(c: IdentityConflict) {
    this.conflicts.push(c);
    this.note("conflict", {
      email: c.email,
      name: c.entry.dn,
      reason: `already the account of ${c.existing.dn ?? "another entry"}`,
    });
  }

  /** Takes a batch's plan into the run: counts, the plan's names, who to disable, conflicts and warnings. */
  absorb(plan: BatchPlan) {
    for (const id of plan.seen) this.seen.add(id);
    for (const [email, claim] of plan.claims) if (!this.claims.has(email)) this.claims.set(email, claim);
    for (const d of plan.toDisable) this.toDisable.set(d.id, d);
    for (const domain of plan.unverified) this.skipUnverified(domain);
    for (const w of plan.warnings) this.warn(w);
    for (const c of plan.conflicts) this.conflict(c);
    for (const n of plan.notes) this.note(n.list, n.item);
    this.counts.created += plan.creates.length;
    this.counts.updated += plan.updates.length;
    this.counts.reenabled += plan.reenables.length;
    this.counts.unchanged += plan.unchanged;
  }

  note(list: keyof SyncPlan, item: PlanItem) {
    if (this.plan[list].length < MAX_PLAN_NAMES) this.plan[list].push(item);
  }
}

export function compareMarks(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b) ? 1 : BigInt(a) < BigInt(b) ? -1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Maps a page of entries, with the run's warnings: no email, non-ASCII account names. Entries sharing an email
 * are all kept: deciding them is lib/sync/decide.ts's (an identity conflict), not read order's.
 */
export function mapPage(entries: Entry[], run: Run, fields: MapFields): MappedEntry[] {
  const batch: MappedEntry[] = [];
  for (const raw of entries) {
    run.counts.entriesRead++;
    const mapped = mapEntry(raw, fields);
    if (!mapped.ok) {
      run.warn(
        mapped.reason === "no-email"
          ? `Entry without email (${fields.emailField}) skipped: ${mapped.dn}`
          : `Entry skipped: its ${fields.emailField} ${JSON.stringify(mapped.value.slice(0, 80))} is not ` +
              `a valid email address (${mapped.dn}).`,
      );
      continue;
    }
    const e = mapped.entry;
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
