"use client";
import { CheckCircle2, XCircle, Info } from "lucide-react";
import type { TestResult } from "@/lib/directory/test-connection";

export function TestResultPanel({ result }: { result: TestResult }) {
  return (
    <div
      role="status"
      aria-label="Test result"
      className={
        "rounded-md p-4 text-sm ring-1 ring-inset " +
        `${result.ok ? "bg-green-50 ring-green-200" : "bg-red-50 ring-red-200"}`
      }
    >
      <p className={`flex items-start gap-2 font-medium ${result.ok ? "text-green-800" : "text-red-800"}`}>
        {result.ok ? (
          <CheckCircle2 className="mt-0.5 size-4 shrink-0" />
        ) : (
          <XCircle className="mt-0.5 size-4 shrink-0" />
        )}
        <span>{result.message}</span>
      </p>
      {/* When every server failed, the message names each already. */}
      {(result.ok || result.step !== "connect") && result.failedHosts && result.failedHosts.length > 0 && (
        <ul aria-label="Servers that failed" className="mt-2 space-y-1 text-slate-700">
          {result.failedHosts.map((f) => (
            <li key={f.url}>
              <span className="font-medium">{f.url}</span> failed: {f.message}
            </li>
          ))}
        </ul>
      )}
      {result.server && (
        <p className="mt-2 text-slate-600">
          Server: {result.server.vendor} · paged results{" "}
          {result.server.pagedResults ? "supported" : "not announced"}
        </p>
      )}
      {result.ok && result.groups && (
        <p
          className={`mt-2 ${result.groups.ok && result.groups.count > 0 ? "text-slate-700" : "text-amber-800"}`}
          data-testid="group-count"
        >
          Groups: {result.groups.message}
        </p>
      )}
      {result.ok && result.samples.length > 0 && (
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-xs">
            <caption className="mb-1 text-left font-medium text-slate-700">
              Samples, mapped through the field names
            </caption>
            <thead>
              <tr className="text-left text-slate-500">
                <th className="py-1 pr-3 font-medium">Account name</th>
                <th className="py-1 pr-3 font-medium">Email</th>
                <th className="py-1 pr-3 font-medium">User principal name</th>
                <th className="py-1 pr-3 font-medium">Full name</th>
                <th className="py-1 font-medium">Status</th>
              </tr>
            </thead>
            <tbody>
              {result.samples.map((s) => (
                <tr key={s.dn} className="border-t border-green-200/60" title={s.dn}>
                  <td className="py-1 pr-3">{s.accountName ?? "—"}</td>
                  <td className="py-1 pr-3">{s.email ?? <span className="text-amber-700">no email</span>}</td>
                  <td className="py-1 pr-3">{s.userPrincipalName ?? "—"}</td>
                  <td className="py-1 pr-3">{s.fullName ?? "—"}</td>
                  <td className="py-1">{s.disabled ? "Disabled" : "Enabled"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.hints.length > 0 && (
        <ul className="mt-3 space-y-1 text-slate-700">
          {result.hints.map((h) => (
            <li key={h} className="flex gap-2">
              <Info className="mt-0.5 size-3.5 shrink-0 text-slate-500" />
              {h}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
