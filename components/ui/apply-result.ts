"use client";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { toast } from "sonner";
import type { ActionResult } from "@/lib/action-result";

/**
 * Puts a server action's field errors on their fields and other errors in a toast, and also in the form's own
 * error line when it has one (setFormError); true when it succeeded.
 */
export function applyResult<T extends FieldValues>(
  result: ActionResult<unknown>,
  setError?: UseFormSetError<T>,
  setFormError?: (message: string) => void,
): boolean {
  if (result.ok) return true;
  const fields = Object.entries(result.fieldErrors ?? {});
  if (setError && fields.length)
    for (const [name, message] of fields) setError(name as Path<T>, { type: "server", message });
  else toast.error(result.error);
  if (!result.fieldErrors) setFormError?.(result.error);
  return false;
}
