"use client";
import { useState } from "react";
import { CheckCircle2 } from "lucide-react";
import { ConnectionForm, EMPTY_CONNECTION } from "@/components/connections/connection-form";
import { submitRequestAction, testRequestAction } from "@/app/connect/[token]/actions";

export function RequestForm({ token }: { token: string }) {
  const [sent, setSent] = useState(false);
  if (sent) {
    return (
      <div role="status" className="flex items-start gap-3 text-sm">
        <CheckCircle2 className="size-5 text-green-600" />
        <div>
          <p className="font-semibold">Sent for review</p>
          <p className="text-slate-600">
            The organisation administrator will review and enable the connection. You can close this page; the
            link no longer works.
          </p>
        </div>
      </div>
    );
  }
  return (
    <ConnectionForm
      initial={EMPTY_CONNECTION}
      editing={false}
      submitLabel="Send for review"
      onTest={(values) => testRequestAction(token, values)}
      onSubmit={async (values) => {
        const result = await submitRequestAction(token, values);
        if (result.ok) setSent(true);
        return result;
      }}
    />
  );
}
