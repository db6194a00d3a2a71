import { requireOrgPage } from "@/lib/auth/session";

// Checked here, outside the pages' loading boundary, so that a refusal is a real 403 (or 404) before anything
// streams. Each page and action checks again for its own permission.
export default async function OrgLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  await requireOrgPage((await params).slug);
  return children;
}
