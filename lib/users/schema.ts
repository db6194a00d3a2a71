// Shared by forms (browser) and actions (server): no server imports here.
import { z } from "zod";

export const ASSIGNABLE_ROLES = ["ORIGINATOR", "COLLABORATOR", "ORG_ADMIN"] as const;

export const emailField = z
  .string()
  .trim()
  .min(1, "Enter an email address.")
  .max(254, "At most 254 characters.")
  .pipe(z.email("Enter a valid email address."))
  .transform((v) => v.toLowerCase());

export const newPasswordField = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(128, "At most 128 characters.")
  .refine((v) => v.trim().length > 0, "The password cannot be only spaces.");

export const createLocalUserSchema = z.object({
  email: emailField,
  name: z.string().trim().min(1, "Enter the person's name.").max(128, "At most 128 characters."),
  accountName: z
    .string()
    .trim()
    .max(64, "At most 64 characters.")
    // Seed 000: "Use ASCII for usernames".
    .regex(/^[A-Za-z0-9._-]*$/, "Use ASCII letters, digits, dots, dashes and underscores.")
    .optional()
    .transform((v) => (v ? v : undefined)),
  password: newPasswordField,
  roles: z.array(z.enum(ASSIGNABLE_ROLES)).min(1, "Choose at least one role."),
});
export type CreateLocalUserInput = z.input<typeof createLocalUserSchema>;

export const userIdSchema = z.object({ userId: z.uuid("Unknown user.") });

export const setUserStatusSchema = userIdSchema.extend({
  status: z.enum(["ACTIVE", "DISABLED"]),
  // "membership": in this organisation only; "account": the account itself (its owning organisation only).
  scope: z.enum(["membership", "account"]).default("membership"),
});

export const setRolesSchema = userIdSchema.extend({
  roles: z.array(z.enum(ASSIGNABLE_ROLES)).min(1, "Choose at least one role."),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(1024),
    newPassword: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    error: "The two new passwords differ.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    error: "Choose a password different from the current one.",
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

export const orgAdminGrantSchema = userIdSchema.extend({
  organizationId: z.uuid("Choose an organisation."),
});

export const USER_SOURCES = ["DIRECTORY", "LOCAL", "ADHOC"] as const;
export const USER_STATUSES = ["ACTIVE", "DISABLED", "PENDING_TRANSFER"] as const;

// A search box's text from the URL: control characters (NUL among them, which PostgreSQL refuses in text)
// become spaces, and a longer text is cut rather than refused: a search never fails.
export const searchTextField = z
  .string()
  .transform(
    (v) =>
      v
        .replace(/[\u0000-\u001f\u007f]/g, " ")
        .trim()
        .slice(0, 200) || undefined,
  )
  .optional()
  .catch(undefined);

export const pageField = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);

export const userListQuerySchema = z.object({
  q: searchTextField,
  source: z.enum(USER_SOURCES).optional().catch(undefined),
  status: z.enum(USER_STATUSES).optional().catch(undefined),
  page: pageField,
});
export type UserListQuery = z.output<typeof userListQuerySchema>;

export const SOURCE_LABELS = { DIRECTORY: "Directory", LOCAL: "Local", ADHOC: "Ad hoc" } as const;
export const STATUS_LABELS = {
  ACTIVE: "Active",
  DISABLED: "Disabled",
  PENDING_TRANSFER: "Pending transfer",
} as const;

export const transferSchema = z.object({
  fromUserId: z.uuid(),
  toUserId: z.uuid("Choose the user who receives the files."),
});
