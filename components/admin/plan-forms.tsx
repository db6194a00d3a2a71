"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmButton, Dialog } from "@/components/ui/dialog";
import { TextInput } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import { planSchema, type PlanInput } from "@/lib/organizations/schema";
import {
  createPlanAction,
  deletePlanAction,
  setDefaultPlanAction,
  updatePlanAction,
} from "@/app/(console)/admin/actions";

type Plan = { id: string; name: string; storageQuotaGb: number; isDefault: boolean };

export function PlanButton({ plan }: { plan?: Plan }) {
  const [open, setOpen] = useState(false);
  const initial: PlanInput = { name: plan?.name ?? "", storageQuotaGb: plan?.storageQuotaGb ?? 10 };
  const form = useForm<PlanInput>({ resolver: zodResolver(planSchema), defaultValues: initial });
  const { register, handleSubmit, formState } = form;
  return (
    <>
      {plan ? (
        <Button
          size="sm"
          variant="secondary"
          onClick={() => {
            form.reset(initial);
            setOpen(true);
          }}
        >
          Edit
        </Button>
      ) : (
        <Button
          onClick={() => {
            form.reset(initial);
            setOpen(true);
          }}
        >
          <Plus className="size-4" /> Create plan
        </Button>
      )}
      <Dialog open={open} onOpenChange={setOpen} title={plan ? `Edit plan ${plan.name}` : "Create plan"}>
        <form
          noValidate
          className="space-y-4"
          onSubmit={handleSubmit(async (values) => {
            const result = plan
              ? await updatePlanAction({ ...values, planId: plan.id })
              : await createPlanAction(values);
            if (!applyResult(result, form.setError)) return;
            toast.success(`Plan ${values.name} saved`);
            setOpen(false);
          })}
        >
          <TextInput label="Plan name" error={formState.errors.name?.message} {...register("name")} />
          <TextInput
            label="Storage quota (GB)"
            type="number"
            step="any"
            min="0"
            error={formState.errors.storageQuotaGb?.message}
            {...register("storageQuotaGb")}
          />
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

export function PlanRowActions({ plan }: { plan: Plan }) {
  return (
    <div className="flex justify-end gap-2">
      <PlanButton plan={plan} />
      {!plan.isDefault && (
        <>
          <ConfirmButton
            label="Make default"
            title={`Make ${plan.name} the default plan?`}
            description="New organisations start on the default plan. Existing organisations keep theirs."
            confirmLabel="Make default"
            onConfirm={async () => {
              if (applyResult(await setDefaultPlanAction({ planId: plan.id })))
                toast.success(`${plan.name} is now the default plan`);
            }}
          />
          <ConfirmButton
            label="Delete"
            variant="danger"
            title={`Delete plan ${plan.name}?`}
            description="Only a plan that no organisation or user has can be deleted."
            confirmLabel="Delete plan"
            onConfirm={async () => {
              if (applyResult(await deletePlanAction({ planId: plan.id })))
                toast.success(`Plan ${plan.name} deleted`);
            }}
          />
        </>
      )}
    </div>
  );
}
