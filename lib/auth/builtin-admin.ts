// Seed 000: "create at least one local administrator account or enable the built-in admin".
export const DEFAULT_ADMIN_EMAIL = "admin@localhost";

export function builtinAdminEnabled(): boolean {
  return (process.env.ADMIN_ENABLED ?? "true").toLowerCase() !== "false";
}

export function builtinAdminEmail(): string {
  return (process.env.ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
}
