import type { Metadata } from "next";
import { findConnectionRequest } from "@/lib/connections/service";
import { RequestForm } from "@/components/connections/request-form";
import { formatUtc } from "@/lib/format/time";

export const metadata: Metadata = { title: "Connect a directory", robots: { index: false } };

// The directory administrator's page: no account needed, the one-time link is the authorization.
export default async function ConnectPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const request = await findConnectionRequest(token);
  return (
    <main className="mx-auto max-w-4xl px-4 py-10">
      <div className="mb-6 flex items-center gap-2">
        <span
          className={
            "bg-brand-600 flex size-8 items-center justify-center rounded-md text-xs font-bold " +
            "text-white"
          }
        >
          DC
        </span>
        <span className="font-semibold">Directory Console</span>
      </div>
      {request.state === "valid" ? (
        <>
          <h1 className="text-2xl font-semibold tracking-tight">
            Connect your directory to {request.organizationName}
          </h1>
          <p className="mt-2 text-sm text-slate-600">
            An administrator of {request.organizationName} asks you for the details of an LDAP connection.
            Fill in the fields, press
            <em> Test connection</em> until it works, then <em>Send for review</em>. The connection stays
            disabled until they enable it. This link works once and expires {formatUtc(request.expiresAt)}.
          </p>
          {request.note && (
            <p className="bg-brand-50 text-brand-900 mt-3 rounded-md px-3 py-2 text-sm">
              Their note: {request.note}
            </p>
          )}
          <div className="mt-6 rounded-lg bg-white p-6 shadow-xs ring-1 ring-slate-200">
            <RequestForm token={token} />
          </div>
        </>
      ) : (
        <div className="mt-16 text-center">
          <h1 className="text-2xl font-semibold">
            {request.state === "used"
              ? "This link has been used already"
              : request.state === "expired"
                ? "This link has expired"
                : "This link is not valid"}
          </h1>
          <p className="mt-2 text-sm text-slate-500">
            Ask the organisation administrator who sent it for a new link.
          </p>
        </div>
      )}
    </main>
  );
}
