"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextInput } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import { syncSettingsSchema, type SyncSettingsInput } from "@/lib/connections/schema";
import { updateSyncSettingsAction } from "@/app/(console)/org/[slug]/ldap/actions";

export function SyncSettingsButton({
  slug,
  connectionId,
  name,
  initial,
}: {
  slug: string;
  connectionId: string;
  name: string;
  initial: SyncSettingsInput;
}) {
  const [open, setOpen] = useState(false);
  const form = useForm<SyncSettingsInput>({
    resolver: zodResolver(syncSettingsSchema),
    defaultValues: initial,
  });
  const { register, handleSubmit, formState } = form;
  const e = formState.errors;
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => {
          form.reset(initial);
          setOpen(true);
        }}
      >
        Sync settings
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Sync settings of ${name}`}
        description={
          "How often the connection is synchronised, when a run waits for confirmation, and how much " +
          "it logs."
        }
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={handleSubmit(async (values) => {
            if (!applyResult(await updateSyncSettingsAction(slug, connectionId, values), form.setError))
              return;
            toast.success("Sync settings saved");
            setOpen(false);
          })}
        >
          <TextInput
            label="Synchronise every (minutes)"
            type="number"
            error={e.syncIntervalMinutes?.message}
            {...register("syncIntervalMinutes")}
          />
          <TextInput
            label="Full read every (minutes)"
            type="number"
            help={
              "Between full reads only changes are read (uSNChanged or modifyTimestamp); deletions " +
              "are found by full reads."
            }
            error={e.fullSyncIntervalMinutes?.message}
            {...register("fullSyncIntervalMinutes")}
          />
          <TextInput
            label="Hold a run that would disable more than (% of users)"
            type="number"
            error={e.disableThresholdPercent?.message}
            {...register("disableThresholdPercent")}
          />
          <TextInput
            label="… or more than (users)"
            type="number"
            help="Such a run disables nothing and waits for an administrator to confirm it."
            error={e.disableThresholdCount?.message}
            {...register("disableThresholdCount")}
          />
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4 rounded border-slate-300"
              {...register("debugLogging")}
            />{" "}
            Debug logging: write each LDAP operation to the Debug and Warning logs
          </label>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={formState.isSubmitting}>
              Save
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
