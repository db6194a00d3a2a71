import type { Metadata } from "next";
import { findPasswordLink } from "@/lib/files/invitations";
import { WelcomeForm } from "@/components/files/welcome-form";

export const metadata: Metadata = { title: "Set your password", robots: { index: false } };

const HEADINGS = {
  used: "This link has been used already",
  expired: "This link has expired",
  invalid: "This link is no longer valid",
  unknown: "This link is not valid",
} as const;

// An Ad hoc person's first visit: someone shared a file with their address, and this one-time link lets them
// choose a password. No account page is reachable without it, and the link sets nothing but the first
// password of an Ad hoc account that has none (lib/files/invitations.ts).
export default async function WelcomePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await findPasswordLink(token);
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
          {link.state === "ok" ? (
            <>
              <h1 className="text-2xl font-semibold tracking-tight">Set your password</h1>
              <p className="mt-1 text-sm text-slate-500">
                Files have been shared with {link.email}. Choose a password to open them.
              </p>
            </>
          ) : (
            <>
              <h1 className="text-2xl font-semibold tracking-tight">{HEADINGS[link.state]}</h1>
              <p className="mt-2 text-sm text-slate-500">
                {link.state === "used" || link.state === "invalid" ? (
                  <>
                    If you have a password, sign in on the{" "}
                    <a className="text-brand-700 underline" href="/login">
                      sign-in page
                    </a>
                    .
                  </>
                ) : (
                  "Ask the person who shared the file with you to share it again."
                )}
              </p>
            </>
          )}
        </div>
        {link.state === "ok" && (
          <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
            <WelcomeForm token={token} email={link.email} />
          </div>
        )}
      </div>
    </main>
  );
}
