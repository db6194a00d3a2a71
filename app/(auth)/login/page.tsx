import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { safeRedirectPath } from "@/lib/auth/redirect";
import { LoginForm } from "@/components/auth/login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[] }>;
}) {
  if (await getCurrentUser()) redirect("/");
  const { callbackUrl } = await searchParams;
  // Only same-origin paths: an open redirect after sign-in would help phishing. Without one, "/" picks the
  // person's landing page.
  const next = callbackUrl === undefined ? "/" : safeRedirectPath(callbackUrl);
  return (
    <main
      className={
        "from-brand-50 flex min-h-screen items-center justify-center " + "bg-gradient-to-b to-slate-50 px-4"
      }
    >
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div
            className={
              "bg-brand-600 mx-auto mb-3 flex size-11 items-center justify-center rounded-xl text-lg " +
              "font-bold text-white"
            }
          >
            DC
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">Directory Console</h1>
          <p className="mt-1 text-sm text-slate-500">Sign in with your email or account name.</p>
        </div>
        <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <LoginForm callbackUrl={next} />
        </div>
      </div>
    </main>
  );
}
