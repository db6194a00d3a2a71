// Shared by forms (browser) and actions (server): no server imports here.
import { z } from "zod";
import { Role, UserSource, UserStatus } from "@/lib/generated/prisma/enums";

/** Roles an organisation administrator may set on a local account (seed 004). */
export const ASSIGNABLE_ROLES = [Role.ORIGINATOR, Role.COLLABORATOR, Role.ORG_ADMIN];

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
  status: z.enum([UserStatus.ACTIVE, UserStatus.DISABLED]),
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

// The order the filters offer them in; the values are Prisma's enums.
export const USER_SOURCES = [UserSource.DIRECTORY, UserSource.LOCAL, UserSource.ADHOC];
export const USER_STATUSES = Object.values(UserStatus);

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

const cursorField = z.string().max(320).optional().catch(undefined);

export const userListQuerySchema = z.object({
  q: searchTextField,
  source: z.enum(UserSource).optional().catch(undefined),
  status: z.enum(UserStatus).optional().catch(undefined),
  page: pageField,
  // Keyset paging: the page starts after (or ends before) this email. Only a position, never trusted as more.
  after: cursorField,
  before: cursorField,
});
export type UserListQuery = z.output<typeof userListQuerySchema>;

export const SOURCE_LABELS: Record<UserSource, string> = {
  DIRECTORY: "Directory",
  LOCAL: "Local",
  ADHOC: "Ad hoc",
};
export const STATUS_LABELS: Record<UserStatus, string> = {
  ACTIVE: "Active",
  DISABLED: "Disabled",
  PENDING_TRANSFER: "Pending transfer",
};

export const transferSchema = z.object({
  fromUserId: z.uuid(),
  toUserId: z.uuid("Choose the user who receives the files."),
});
