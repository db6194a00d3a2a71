import "server-only";
import { z } from "zod";
import { ForbiddenError, NotFoundError, UserError } from "@/lib/errors";
import type { ActionResult } from "@/lib/action-result";

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * The one way actions run: the callback authorizes and calls a service; this validates the input with the
 * shared schema first and turns every failure into the result shape, never a stack trace.
 */
export async function runAction<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  fn: (data: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    return { ok: false, error: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    return { ok: true, data: await fn(parsed.data) };
  } catch (error) {
    if (error instanceof UserError)
      return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    if (error instanceof ForbiddenError || error instanceof NotFoundError)
      return { ok: false, error: error.message };
    console.error("action failed", error);
    return {
      ok: false,
      error:
        "Something went wrong. Try again; if it keeps failing, an administrator will find the cause " +
        "in the server log.",
    };
  }
}
