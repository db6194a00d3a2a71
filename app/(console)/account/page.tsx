import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { Card, PageHeader } from "@/components/ui/misc";
import { ChangePasswordForm } from "@/components/account/change-password-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Account" description={`${user.name} · ${user.email}`} />
      <Card className="max-w-lg p-6">
        <h2 className="text-base font-semibold">Password</h2>
        {user.source === "DIRECTORY" ? (
          <p className="mt-2 text-sm text-slate-600">
            Your password and your details are managed by your organisation&apos;s directory. Change them
            there; the console picks up the change at the next synchronisation.
          </p>
        ) : (
          <ChangePasswordForm />
        )}
      </Card>
    </>
  );
}
