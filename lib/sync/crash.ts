// TEST HOOK (lib/sync/converge.test.ts): SYNC_CRASH_AT=<step>[#n] kills this process outright at the n-th
// (default first) pass of a named write step, as a power cut or an OOM kill would, so that a test can check
// that the next run converges. Without the variable it does nothing.
const passes = new Map<string, number>();

export function crashPoint(step: string): void {
  const wanted = process.env.SYNC_CRASH_AT;
  if (!wanted) return;
  const [name, nth] = wanted.split("#");
  if (name !== step) return;
  const pass = (passes.get(step) ?? 0) + 1;
  passes.set(step, pass);
  if (pass === Number(nth ?? 1)) process.kill(process.pid, "SIGKILL");
}
