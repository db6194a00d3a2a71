import "server-only";
import pg from "pg";
import { sql } from "@/lib/sync/sql";
import type { MappedEntry } from "@/lib/sync/map";
import { T, type Run } from "@/lib/sync/run";
import type { Role } from "@/lib/generated/prisma/enums";
import { decideBatch, type Candidates, type KnownUser } from "@/lib/sync/decide";
import { writeBatch } from "@/lib/sync/write";

// One batch of mapped entries, in three steps: fetch the accounts they may be (read), decide (pure,
// lib/sync/decide.ts), write the plan in one transaction (lib/sync/write.ts). A dry run stops after deciding:
// Preview and the real run share everything but the write.

export type BatchCtx = {
  run: Run;
  connectionId: string;
  orgId: string;
  defaultPlanId: string;
  /** The organisation's verified email domains: the only addresses this connection speaks for. */
  verifiedDomains: Set<string>;
  /** `${userId} ${directoryId}` of conflicts an administrator decided to keep apart. */
  keptApart: Set<string>;
  dryRun: boolean;
  runId: string | null;
  known?: Known;
  markKey: string;
};

/** Every account of the connection, loaded once by a full read. */
export type Known = Candidates;

const USER_COLUMNS = `u.id, u.email, u.name, u."accountName", u."userPrincipalName", u.dn,
  u."directoryStatus", u.source::text as source, u.status::text as status,
  u."connectionId", u."directoryId", u."directoryHash", u."supersededById", u."directoryMark",
  m.id as "membershipId", m.roles::text[] as roles,
  (u."isPlatformAdmin" or u."isBuiltinAdmin") as protected`;

export async function loadKnown(connectionId: string, orgId: string): Promise<Known> {
  // Straight through pg with array rows: at 100,000 accounts this costs a fraction of the memory of a Prisma
  // raw query, which materialises the whole result more than once.
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<unknown[]>({
      text: `select u.id, u.email, u.name, u."accountName", u."userPrincipalName", u.dn,
               u."directoryStatus", u.source::text, u.status::text,
               u."connectionId", u."directoryId", u."directoryHash", u."supersededById", m.id,
               m.roles::text[], u."directoryMark",
               (u."isPlatformAdmin" or u."isBuiltinAdmin")
             from "User" u
             left join "Membership" m on m."userId" = u.id and m."organizationId" = $2::uuid
             where u."connectionId" = $1::uuid`,
      values: [connectionId, orgId],
      rowMode: "array",
    });
    const byEmail = new Map<string, KnownUser>();
    const byDirectoryId = new Map<string, KnownUser>();
    for (const r of result.rows as (string | null)[][]) {
      const u = {
        id: r[0],
        email: r[1],
        name: r[2],
        accountName: r[3],
        userPrincipalName: r[4],
        dn: r[5],
        directoryStatus: r[6],
        source: r[7],
        status: r[8],
        connectionId: r[9],
        directoryId: r[10],
        directoryHash: r[11],
        supersededById: r[12],
        membershipId: r[13],
        roles: r[14] as unknown as Role[] | null,
        directoryMark: r[15],
        protected: r[16] as unknown as boolean,
      } as KnownUser;
      byEmail.set(u.email, u);
      if (u.directoryId && !u.supersededById) byDirectoryId.set(u.directoryId, u);
    }
    return { byEmail, byDirectoryId };
  } finally {
    await client.end();
  }
}

/**
 * Reads, decides and (unless a dry run) writes one batch. Batches may run two at a time: their candidates are
 * fetched side by side, but they are decided one after the other, in read order (run.decided).
 */
export async function processBatch(batch: MappedEntry[], ctx: BatchCtx) {
  if (batch.length === 0) return;
  const t0 = performance.now();
  const fetching = fetchCandidates(batch, ctx);
  fetching.catch(() => {}); // awaited below, in turn
  const { run } = ctx;
  const turn = run.decided.then(async () => {
    const candidates = await fetching;
    T("find users", t0);
    const t1 = performance.now();
    const plan = decideBatch(batch, candidates, { ...ctx, claims: run.claims });
    run.absorb(plan);
    T("decide", t1);
    return plan;
  });
  run.decided = turn.then(
    () => {},
    () => {},
  );
  const plan = await turn;
  if (ctx.dryRun) return;
  const t2 = performance.now();
  await writeBatch(plan, ctx);
  T("write", t2);
}

/**
 * The accounts a batch's entries may be, with their membership in this organisation: those the preloaded map
 * of a full read knows, and one round trip for the rest. Also this connection's current account of each
 * entry's stable id, which an email change (or an email changed back) needs.
 */
async function fetchCandidates(batch: MappedEntry[], ctx: BatchCtx): Promise<Candidates> {
  const { known, connectionId, orgId } = ctx;
  const unknownEmails = batch.map((e) => e.email).filter((e) => !known?.byEmail.has(e));
  // On a full read the preloaded map holds every account of this connection, so directory ids need no
  // lookup, except for an email that came back (its other account may have been made after the map).
  const unknownIds = batch
    .filter((e) => e.directoryId && (!known || known.byEmail.get(e.email)?.supersededById))
    .filter((e) => !known?.byDirectoryId.has(e.directoryId!))
    .map((e) => e.directoryId!);
  const fetched = await fetchUsers(orgId, connectionId, unknownEmails, unknownIds);
  const existing: KnownUser[] = [...fetched];
  if (known) {
    for (const e of batch) {
      const a = known.byEmail.get(e.email);
      if (a) existing.push(a);
      const b = e.directoryId ? known.byDirectoryId.get(e.directoryId) : undefined;
      if (b && b !== a) existing.push(b);
    }
  }
  return {
    byEmail: new Map(existing.map((u) => [u.email, u])),
    byDirectoryId: new Map(
      existing
        .filter((u) => u.connectionId === connectionId && u.directoryId && !u.supersededById)
        .map((u) => [u.directoryId!, u]),
    ),
  };
}

async function fetchUsers(orgId: string, connectionId: string, emails: string[], ids: string[]) {
  if (emails.length === 0 && ids.length === 0) return [];
  const select = `select ${USER_COLUMNS} from "User" u
    left join "Membership" m on m."userId" = u.id and m."organizationId" = $1::uuid`;
  // Two index lookups, not one OR: with an OR the planner scans the whole table, once per batch.
  if (ids.length === 0) return sql<KnownUser>(`${select} where u.email = any($2::text[])`, [orgId, emails]);
  return sql<KnownUser>(
    `${select} where u.email = any($2::text[])
     union
     ${select} where u."connectionId" = $3::uuid and u."directoryId" = any($4::text[])`,
    [orgId, emails, connectionId, ids],
  );
}
