"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Link2, Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/field";
import { ConnectionForm, EMPTY_CONNECTION } from "@/components/connections/connection-form";
import type { ConnectionInput } from "@/lib/connections/schema";
import {
  createConnectionAction,
  createConnectionRequestAction,
  previewSyncAction,
  testConnectionValuesAction,
  testSignInAction,
  updateConnectionAction,
} from "@/app/(console)/org/[slug]/ldap/actions";
import { formatUtc } from "@/lib/format/time";

export function AddConnectionButton({ slug }: { slug: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <Plus className="size-4" /> Add LDAP Connection
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        wide
        title="Add LDAP connection"
        description="All fields are mandatory. Test the connection before you save it."
      >
        <ConnectionForm
          initial={EMPTY_CONNECTION}
          editing={false}
          submitLabel="Save"
          onCancel={() => setOpen(false)}
          onTest={(values) => testConnectionValuesAction(slug, null, values)}
          onSubmit={async (values) => {
            const result = await createConnectionAction(slug, values);
            if (result.ok) {
              toast.success(`Connection ${values.name} saved. Its users arrive at the next synchronisation.`);
              setOpen(false);
            }
            return result;
          }}
        />
      </Dialog>
    </>
  );
}

export function EditConnectionButton({
  slug,
  connectionId,
  initial,
}: {
  slug: string;
  connectionId: string;
  initial: ConnectionInput;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Edit
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        wide
        title="Edit LDAP connection"
        description="Leave Manager password empty to keep the stored one."
      >
        <ConnectionForm
          initial={initial}
          editing
          submitLabel="Save"
          onCancel={() => setOpen(false)}
          onTest={(values) => testConnectionValuesAction(slug, connectionId, values)}
          onPreview={(values) => previewSyncAction(slug, connectionId, values)}
          onTestSignIn={(connection, login, password) =>
            testSignInAction(slug, connectionId, { connection, login, password })
          }
          onSubmit={async (values) => {
            const result = await updateConnectionAction(slug, connectionId, values);
            if (result.ok) {
              toast.success(`Connection ${values.name} saved`);
              setOpen(false);
            }
            return result;
          }}
        />
      </Dialog>
    </>
  );
}

export function RequestLinkButton({ slug }: { slug: string }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const [link, setLink] = useState<{ url: string; expiresAt: string }>();
  const [pending, setPending] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setLink(undefined);
          setNote("");
          setOpen(true);
        }}
      >
        <Link2 className="size-4" /> Link for a directory administrator
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Link for a directory administrator"
        description={
          "Someone who knows the directory but has no account here fills in and tests the connection " +
          "through this link. It works once and expires after 72 hours; what they send waits, " +
          "disabled, for your review."
        }
      >
        {link ? (
          <div className="space-y-3">
            <label htmlFor="request-link" className="block text-sm font-medium">
              Send this link
            </label>
            <input
              id="request-link"
              readOnly
              value={link.url}
              className={`${inputClass} font-mono text-xs`}
              onFocus={(e) => e.currentTarget.select()}
            />
            <p className="text-xs text-slate-500">
              It is shown only now. Expires {formatUtc(link.expiresAt)}.
            </p>
            <div className="flex justify-end gap-2">
              <Button
                variant="secondary"
                onClick={() => {
                  void navigator.clipboard?.writeText(link.url);
                  toast.success("Link copied");
                }}
              >
                Copy
              </Button>
              <Button onClick={() => setOpen(false)}>Done</Button>
            </div>
          </div>
        ) : (
          <div className="space-y-3">
            <label htmlFor="request-note" className="block text-sm font-medium">
              Note for the directory administrator{" "}
              <span className="font-normal text-slate-500">(optional)</span>
            </label>
            <input
              id="request-note"
              maxLength={200}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className={inputClass}
              placeholder="e.g. Please connect the Sydney office's AD"
            />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button
                disabled={pending}
                onClick={async () => {
                  setPending(true);
                  const result = await createConnectionRequestAction(slug, { note });
                  setPending(false);
                  if (!result.ok) {
                    toast.error(result.error);
                    return;
                  }
                  setLink({
                    url: `${window.location.origin}${result.data.path}`,
                    expiresAt: result.data.expiresAt,
                  });
                }}
              >
                Create link
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
