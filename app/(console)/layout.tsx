import { requireUser } from "@/lib/auth/session";
import { Sidebar } from "@/components/layout/sidebar";
import { openNotificationCount } from "@/lib/transfers/service";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const adminOrgs = await Promise.all(
    user.memberships
      .filter((m) => m.roles.includes("ORG_ADMIN"))
      .map(async (m) => ({
        slug: m.slug,
        name: m.name,
        notifications: await openNotificationCount(m.organizationId),
      })),
  );
  return (
    <div className="flex min-h-screen">
      <Sidebar
        user={{ name: user.name, email: user.email }}
        isPlatformAdmin={user.isPlatformAdmin}
        adminOrgs={adminOrgs}
      />
      <main className="min-w-0 flex-1 px-8 py-8">{children}</main>
    </div>
  );
}
