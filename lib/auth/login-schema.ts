import { z } from "zod";

export const loginSchema = z.object({
  login: z.string().trim().min(1, "Enter your email or account name.").max(320, "At most 320 characters."),
  // An empty password is always refused: an LDAP bind with one succeeds as anonymous.
  password: z.string().min(1, "Enter your password.").max(1024, "At most 1024 characters."),
});
export type LoginInput = z.input<typeof loginSchema>;

/** The error code next-auth carries to the login form when a directory password must be changed first. */
export const PASSWORD_EXPIRED_CODE = "password-expired";
