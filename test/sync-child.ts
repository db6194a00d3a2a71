// One full sync of a connection in its own process, for lib/sync/converge.test.ts: with SYNC_CRASH_AT set
// (lib/sync/crash.ts) the process kills itself at that write step. Prints the outcome's status and counts.
export {};
const [connectionId] = process.argv.slice(2);
const { syncConnection } = await import("@/lib/sync/engine");
const outcome = await syncConnection(connectionId, { trigger: "CLI", full: true });
process.stdout.write(JSON.stringify({ status: outcome.status, counts: outcome.counts }));
process.exitCode = 0;
// The pools keep the event loop alive; stdout is flushed by then.
setTimeout(() => process.exit(), 100);
