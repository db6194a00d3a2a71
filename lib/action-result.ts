// What every server action returns (lib/action.ts's runAction builds it). No server imports: client
// components type their action calls with it.
export type ActionResult<T = undefined> =
  { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };
