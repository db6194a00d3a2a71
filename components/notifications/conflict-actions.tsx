"use client";
import { toast } from "sonner";
import { ConfirmButton } from "@/components/ui/dialog";
import { applyResult } from "@/components/ui/apply-result";
import { resolveConflictAction } from "@/app/(console)/org/[slug]/notifications/actions";

/** An administrator's decision on an identity conflict: the same person, or two people kept apart. */
export function ConflictActions({
  slug,
  notificationId,
  email,
  entryDn,
}: {
  slug: string;
  notificationId: string;
  email: string;
  entryDn: string;
}) {
  const decide = async (decision: "LINKED" | "KEPT_APART") => {
    if (applyResult(await resolveConflictAction(slug, { notificationId, decision })))
      toast.success(decision === "LINKED" ? `${email} is now linked to ${entryDn}` : "Kept apart");
  };
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmButton
        label="Same person: link"
        variant="primary"
        title={`Link ${email} to ${entryDn}?`}
        description={
          "The account, its files and roles become this directory entry's: from the next sync its fields " +
          "and status follow this entry, and it signs in with this entry's password."
        }
        confirmLabel="Link the account"
        onConfirm={() => decide("LINKED")}
      />
      <ConfirmButton
        label="Keep apart"
        title={`Keep ${entryDn} apart from ${email}?`}
        description="The account stays as it is; the sync keeps skipping this entry and stops asking."
        confirmLabel="Keep apart"
        onConfirm={() => decide("KEPT_APART")}
      />
    </div>
  );
}
