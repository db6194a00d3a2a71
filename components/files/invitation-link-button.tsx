"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { applyResult } from "@/components/ui/apply-result";
import { copyInvitationLinkAction } from "@/app/(console)/org/[slug]/users/[userId]/actions";

const NOTICE = "mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset";

// For consoles without SMTP: the administrator hands the person their invitation. Each click issues a fresh
// link and the previous one stops working, so the link is shown once and never stored in the page.
export function InvitationLinkButton({
  slug,
  userId,
  email,
}: {
  slug: string;
  userId: string;
  email: string;
}) {
  const [url, setUrl] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <div>
      <Button
        size="sm"
        variant="secondary"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const result = await copyInvitationLinkAction(slug, { userId });
          setPending(false);
          if (!applyResult(result) || !result.ok) return;
          setUrl(result.data.url);
          await navigator.clipboard?.writeText(result.data.url).then(
            () => toast.success("Invitation link copied"),
            () => undefined,
          );
        }}
      >
        Copy invitation link
      </Button>
      {url && (
        <div className={NOTICE}>
          <p>
            Send this one-time link to {email} yourself; it lets them set a password and expires in 7 days.
            Any earlier link no longer works.
          </p>
          <p className="mt-2 font-mono text-xs break-all" data-testid="invitation-url">
            {url}
          </p>
        </div>
      )}
    </div>
  );
}
