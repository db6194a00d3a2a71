// One sync in its own process, for scripts/bench-sync.ts: prints its wall time and the process's peak RSS.
export {};
const [connectionId, mode] = process.argv.slice(2);
const { syncConnection } = await import("@/lib/sync/engine");
const { db } = await import("@/lib/db");
// A server process has both connection pools open already: so does this one before the clock starts.
await db.$queryRaw`select 1`;
await (await import("@/lib/sync/sql")).sql("select 1");
const start = process.hrtime.bigint();
const outcome = await syncConnection(connectionId, { trigger: mode === "incremental" ? "CRON" : "CLI", full: mode !== "incremental" });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ seconds, peakMb: process.resourceUsage().maxRSS / 1024, status: outcome.status, kind: outcome.kind, counts: outcome.counts, timing: (globalThis as { __t?: unknown }).__t }));
await db.$disconnect();
process.exit(0);
