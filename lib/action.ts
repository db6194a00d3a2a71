import "server-only";
import { z } from "zod";
import { ForbiddenError, NotFoundError, UserError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import type { ActionResult } from "@/lib/action-result";

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    out[key] ??= issue.message;
  }
  return out;
}

const GENERIC_ERROR =
  "Something went wrong. Try again; if it keeps failing, an administrator will find the cause in the " +
  "server log.";

/**
 * An id bound from the route (a path segment, an action's bound argument): anything that is not a UUID is
 * "not found", exactly like an id that names no row, and never reaches the database.
 */
export function routeId(value: unknown, message = "Not found."): string {
  if (!isUuid(value)) throw new NotFoundError(message);
  return value;
}

/** A row an update or delete expected and did not find (Prisma P2025): deleted meanwhile, or never was. */
function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2025";
}

/**
 * The one way actions run, in next-safe-action's order: `authorize` (session, then permission on the
 * route's resource, then the route-bound ids through routeId) runs before the input is even parsed, so an
 * anonymous or unauthorised caller learns nothing from validation messages; then the input is validated with
 * the shared schema; then `fn` calls the service. Every failure becomes the result shape, never a stack.
 */
export async function runAction<C, S extends z.ZodType, T>(
  authorize: () => Promise<C>,
  schema: S,
  input: unknown,
  fn: (ctx: C, data: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    const ctx = await authorize();
    const parsed = schema.safeParse(input);
    if (!parsed.success)
      return { ok: false, error: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
    return { ok: true, data: await fn(ctx, parsed.data) };
  } catch (error) {
    if (error instanceof UserError)
      return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    if (error instanceof ForbiddenError || error instanceof NotFoundError)
      return { ok: false, error: error.message };
    if (isRecordNotFound(error))
      return { ok: false, error: "Not found: it may have been deleted meanwhile." };
    console.error("action failed", error);
    return { ok: false, error: GENERIC_ERROR };
  }
}

/** For actions without a session (one-time links): the link itself is checked by the service. */
export const anonymous = async () => undefined;
