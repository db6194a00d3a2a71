// What counts as an email address the console accepts as an identity. Pure, shared by the sync, sign-in,
// sharing and the forms: a directory value such as `"><svg/onload=…>@x`, a list with commas or a value with
// CR/LF never becomes an account.
import { z } from "zod";

const emailSchema = z.email();

/** The address lower-cased, or null when it is not one plain, valid address. */
export function normaliseEmail(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const email = value.trim().toLowerCase();
  if (!email || email.length > 254) return null;
  return emailSchema.safeParse(email).success ? email : null;
}

/** The domain part of an address (lower-case), or "" when there is none. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0 ? "" : email.slice(at + 1).toLowerCase();
}
