"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectInput } from "@/components/ui/field";
import { transferOwnershipAction } from "@/app/(console)/org/[slug]/notifications/actions";

export function TransferButton({
  slug,
  from,
  targets,
  preselect,
  keepsSourceActive,
}: {
  slug: string;
  from: { id: string; email: string; files: number };
  targets: { id: string; email: string; name: string }[];
  preselect?: string;
  keepsSourceActive?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState(preselect ?? "");
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <>
      <Button
        size="sm"
        onClick={() => {
          setTo(preselect ?? "");
          setError(undefined);
          setOpen(true);
        }}
      >
        Transfer ownership
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Transfer the files of ${from.email}`}
        description={
          `All ${from.files} files and their shares move to the user you choose, at ` +
          `once.${keepsSourceActive ? ` ${from.email} stays active.` : ` Then ${from.email} is disabled.`}`
        }
      >
        <SelectInput label="New owner" value={to} onChange={(e) => setTo(e.target.value)} error={error}>
          <option value="">Choose a user…</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.email})
            </option>
          ))}
        </SelectInput>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            disabled={pending}
            onClick={async () => {
              setPending(true);
              const result = await transferOwnershipAction(slug, { fromUserId: from.id, toUserId: to });
              setPending(false);
              if (!result.ok) {
                setError(result.fieldErrors?.toUserId ?? result.error);
                return;
              }
              toast.success(`${result.data.files} files moved from ${result.data.from} to ${result.data.to}`);
              setOpen(false);
            }}
          >
            Transfer files
          </Button>
        </div>
      </Dialog>
    </>
  );
}
