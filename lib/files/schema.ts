// Shared by the files page (browser), its actions and the upload route (server): no server imports here.
import { z } from "zod";
import { emailField, newPasswordField } from "@/lib/users/schema";

// A file name as people type it: no path, no control characters, not "." or "..". Stored as given; the disk
// holds the file under a random key, so the name never reaches the file system.
export const fileNameField = z
  .string()
  .trim()
  .min(1, "Enter a file name.")
  .max(255, "At most 255 characters.")
  .refine((v) => !/[/\\]/.test(v), "A file name cannot contain / or \\.")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "A file name cannot contain control characters.")
  // Bidirectional controls make "invoice\u202Efdp.exe" read as "invoiceexe.pdf".
  .refine(
    (v) => !/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(v),
    "A file name cannot contain text-direction control characters.",
  )
  .refine((v) => v !== "." && v !== "..", "Choose another name.");

export const fileIdSchema = z.object({ fileId: z.uuid("Unknown file.") });

export const renameFileSchema = fileIdSchema.extend({ name: fileNameField });
export type RenameFileInput = z.input<typeof renameFileSchema>;

export const shareFileSchema = fileIdSchema.extend({ email: emailField });
export type ShareFileInput = z.input<typeof shareFileSchema>;

export const unshareFileSchema = fileIdSchema.extend({ userId: z.uuid("Unknown user.") });

export const setPasswordByLinkSchema = z
  .object({
    token: z.string().regex(/^[\w-]{20,100}$/, "This link is not valid."),
    password: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    error: "The two passwords differ.",
  });
export type SetPasswordByLinkInput = z.input<typeof setPasswordByLinkSchema>;

export function formatBytes(bytes: number | bigint): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export const invitationLinkSchema = z.object({ userId: z.uuid("Unknown user.") });
