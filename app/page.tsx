import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";

// Each person lands where their work is.
export default async function Index() {
  const user = await requireUser();
  const adminOf = user.memberships.find((m) => m.roles.includes("ORG_ADMIN"));
  if (adminOf) redirect(`/org/${adminOf.slug}/users`);
  if (user.isPlatformAdmin) redirect("/admin/organisations");
  redirect("/home");
}
