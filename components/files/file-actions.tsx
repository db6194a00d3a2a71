"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Download } from "lucide-react";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmButton, Dialog } from "@/components/ui/dialog";
import { FormError, TextInput } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import {
  renameFileSchema,
  shareFileSchema,
  type RenameFileInput,
  type ShareFileInput,
} from "@/lib/files/schema";
import {
  deleteFileAction,
  renameFileAction,
  shareFileAction,
  unshareFileAction,
} from "@/app/(console)/files/actions";

type Share = { id: string; email: string; name: string; source: string };

export function DownloadLink({ fileId, name }: { fileId: string; name: string }) {
  return (
    <a
      href={`/api/files/${fileId}`}
      download={name}
      className={buttonClass("secondary", "sm")}
      aria-label={`Download ${name}`}
    >
      <Download className="size-4" aria-hidden /> Download
    </a>
  );
}

export function RenameButton({ fileId, name }: { fileId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string>();
  const form = useForm<RenameFileInput>({
    resolver: zodResolver(renameFileSchema),
    defaultValues: { fileId, name },
  });
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        aria-label={`Rename ${name}`}
        onClick={() => {
          form.reset({ fileId, name });
          setFormError(undefined);
          setOpen(true);
        }}
      >
        Rename
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={`Rename ${name}`}>
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await renameFileAction(values);
            if (!applyResult(result, form.setError, setFormError) || !result.ok) return;
            toast.success(`Renamed to ${result.data.name}`);
            setOpen(false);
          })}
        >
          <FormError message={formError} />
          <TextInput
            label="Name"
            autoComplete="off"
            error={form.formState.errors.name?.message}
            {...form.register("name")}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={form.formState.isSubmitting}>
              Rename
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

export function ShareButton({
  fileId,
  name,
  shares,
  canShare,
}: {
  fileId: string;
  name: string;
  shares: Share[];
  canShare: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string>();
  const [invite, setInvite] = useState<{ email: string; url: string }>();
  const form = useForm<ShareFileInput>({
    resolver: zodResolver(shareFileSchema),
    defaultValues: { fileId, email: "" },
  });
  if (!canShare) return null;
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        aria-label={`Share ${name}`}
        onClick={() => {
          form.reset({ fileId, email: "" });
          setFormError(undefined);
          setInvite(undefined);
          setOpen(true);
        }}
      >
        Share{shares.length > 0 ? ` (${shares.length})` : ""}
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Share ${name}`}
        description={
          "The person opens the file after signing in. An address without an account gets an Ad hoc " +
          "account, which can only open what is shared with it."
        }
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            setFormError(undefined);
            const result = await shareFileAction(values);
            if (!applyResult(result, form.setError, setFormError) || !result.ok) return;
            const r = result.data;
            toast.success(
              `Shared with ${r.email}` +
                (r.createdAdhoc ? " (new Ad hoc account)" : "") +
                (r.emailed ? "; an e-mail is on its way" : ""),
            );
            if (r.inviteUrl) setInvite({ email: r.email, url: r.inviteUrl });
            form.reset({ fileId, email: "" });
          })}
        >
          <FormError message={formError} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            placeholder="name@example.com"
            error={form.formState.errors.email?.message}
            {...form.register("email")}
          />
          <div className="flex justify-end">
            <Button type="submit" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? "Sharing…" : "Share"}
            </Button>
          </div>
        </form>
        {invite && (
          <div
            className={
              "mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 " + "ring-1 ring-amber-200 ring-inset"
            }
          >
            <p>
              No e-mail server is configured. Send this one-time link to {invite.email}; it lets them set a
              password and expires in 7 days:
            </p>
            <p className="mt-2 font-mono text-xs break-all" data-testid="invite-url">
              {invite.url}
            </p>
            <Button
              size="sm"
              variant="secondary"
              className="mt-2"
              onClick={() =>
                void navigator.clipboard?.writeText(invite.url).then(() => toast.success("Link copied"))
              }
            >
              Copy link
            </Button>
          </div>
        )}
        <h3 className="mt-6 text-sm font-semibold text-slate-800">Shared with</h3>
        {shares.length === 0 ? (
          <p className="mt-1 text-sm text-slate-500">Nobody yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100">
            {shares.map((s) => (
              <li key={s.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                <span>
                  {s.name}{" "}
                  <span className="text-slate-500">
                    ({s.email}){s.source === "ADHOC" ? " · Ad hoc" : ""}
                  </span>
                </span>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Stop sharing with ${s.email}`}
                  onClick={async () => {
                    const result = await unshareFileAction({ fileId, userId: s.id });
                    if (applyResult(result)) toast.success(`No longer shared with ${s.email}`);
                  }}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </Dialog>
    </>
  );
}

export function DeleteButton({ fileId, name }: { fileId: string; name: string }) {
  return (
    <ConfirmButton
      label="Delete"
      variant="danger"
      title={`Delete ${name}?`}
      description="The file is removed for you and for everyone it is shared with. This cannot be undone."
      confirmLabel="Delete file"
      onConfirm={async () => {
        const result = await deleteFileAction({ fileId });
        if (applyResult(result)) toast.success(`${name} deleted`);
      }}
    />
  );
}
