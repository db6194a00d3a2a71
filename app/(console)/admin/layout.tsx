import { requirePlatformAdminPage } from "@/lib/auth/session";

// Checked here, outside the pages' loading boundary, so that a refusal is a real 403 before anything streams.
// Each page and action checks again.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requirePlatformAdminPage();
  return children;
}
