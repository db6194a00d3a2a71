// One sync in its own process, for scripts/bench-sync.ts: prints its wall time and the process's peak RSS.
export {};
const [connectionId, mode] = process.argv.slice(2);
const { syncConnection } = await import("@/lib/sync/engine");
const { db } = await import("@/lib/db");
// A server process has both connection pools open already: so does this one before the clock starts.
await db.$queryRaw`select 1`;
await (await import("@/lib/sync/sql")).sql("select 1");
const once = async () => {
  const start = process.hrtime.bigint();
  const outcome = await syncConnection(connectionId, {
    trigger: mode === "incremental" ? "CRON" : "CLI",
    full: mode !== "incremental",
  });
  return { outcome, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
};
const { outcome, seconds } = await once();
const timing = structuredClone((globalThis as { __t?: unknown }).__t);
// "full-twice": the same unchanged sync again in this now warm process, as a running server would do it.
const warmSeconds = mode === "full-twice" ? (await once()).seconds : undefined;
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    seconds,
    warmSeconds,
    cpu: { node: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
    peakMb: usage.maxRSS / 1024,
    status: outcome.status,
    kind: outcome.kind,
    counts: outcome.counts,
    timing,
  }),
);
await db.$disconnect();
process.exit(0);
