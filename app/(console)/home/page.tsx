import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { getProfile } from "@/lib/users/queries";
import { Badge, Card, PageHeader } from "@/components/ui/misc";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { SOURCE_LABELS } from "@/lib/users/schema";
import { bytesToGb } from "@/lib/organizations/service";
import { formatUtc } from "@/lib/format/time";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const user = await requireUser();
  const profile = await getProfile(user.id);
  if (!profile) return null;
  return (
    <>
      <PageHeader
        title={`Welcome, ${profile.name}`}
        description="Your account on the platform and your place in each organisation."
      />
      <div className="grid gap-4 md:grid-cols-3">
        <Card className="p-5">
          <p className="text-xs font-semibold text-slate-500 uppercase">Account</p>
          <p className="mt-2 font-medium">{profile.email}</p>
          <p className="mt-1 text-sm text-slate-500">
            Source: {SOURCE_LABELS[profile.source]}
            {profile.connection ? ` (${profile.connection.name})` : ""}
          </p>
          {user.isPlatformAdmin && (
            <div className="mt-2">
              <Badge tone="blue">Platform administrator</Badge>
            </div>
          )}
        </Card>
        <Card className="p-5">
          <p className="text-xs font-semibold text-slate-500 uppercase">Files</p>
          <p className="mt-2 text-2xl font-semibold">{profile._count.files}</p>
          <p className="text-sm text-slate-500">files you own</p>
        </Card>
        <Card className="p-5">
          <p className="text-xs font-semibold text-slate-500 uppercase">Last sign-in</p>
          <p className="mt-2 font-medium">{profile.lastLoginAt ? formatUtc(profile.lastLoginAt) : "—"}</p>
        </Card>
      </div>
      <h2 className="mt-8 mb-3 text-lg font-semibold">Organisations</h2>
      <Card>
        {profile.memberships.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-slate-500">
            You are not a member of any organisation.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {profile.memberships.map((m) => (
              <li
                key={m.organization.slug}
                className="flex flex-wrap items-center justify-between gap-2 px-5 py-3"
              >
                <span className="font-medium">{m.organization.name}</span>
                <span className="flex flex-wrap items-center gap-1.5 text-sm text-slate-500">
                  {m.roles.map((r) => (
                    <Badge key={r} tone={r === "ORG_ADMIN" ? "blue" : "gray"}>
                      {ROLE_LABELS[r]}
                    </Badge>
                  ))}
                  <span className="ml-2">
                    Plan {m.plan.name} · {bytesToGb(m.plan.storageQuotaBytes)} GB
                  </span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
