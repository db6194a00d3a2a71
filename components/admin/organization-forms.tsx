"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Plus } from "lucide-react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectInput, TextInput } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import {
  organizationSchema,
  type OrganizationInput,
  renameOrganizationSchema,
} from "@/lib/organizations/schema";
import {
  createOrganizationAction,
  renameOrganizationAction,
  setOrganizationPlanAction,
} from "@/app/(console)/admin/actions";

export function CreateOrganizationButton() {
  const [open, setOpen] = useState(false);
  const form = useForm<OrganizationInput>({
    resolver: zodResolver(organizationSchema),
    defaultValues: { slug: "", name: "" },
  });
  const { register, handleSubmit, formState } = form;
  return (
    <>
      <Button
        onClick={() => {
          form.reset();
          setOpen(true);
        }}
      >
        <Plus className="size-4" /> Create organisation
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Create organisation"
        description="It starts on the platform's default plan."
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={handleSubmit(async (values) => {
            if (!applyResult(await createOrganizationAction(values), form.setError)) return;
            toast.success(`Organisation ${values.name} created`);
            setOpen(false);
          })}
        >
          <TextInput label="Name" error={formState.errors.name?.message} {...register("name")} />
          <TextInput
            label="Short name"
            help="Used in the address: /org/short-name. Lower-case letters, digits and dashes."
            error={formState.errors.slug?.message}
            {...register("slug")}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={formState.isSubmitting}>
              Create
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

const renameForm = renameOrganizationSchema.extend({ planId: z.uuid("Choose a plan.") });
type RenameInput = z.input<typeof renameForm>;

export function OrganizationRowActions({
  org,
  plans,
}: {
  org: { id: string; name: string; planId: string };
  plans: { id: string; name: string }[];
}) {
  const [open, setOpen] = useState(false);
  const initial = { organizationId: org.id, name: org.name, planId: org.planId };
  const form = useForm<RenameInput>({ resolver: zodResolver(renameForm), defaultValues: initial });
  const { register, handleSubmit, formState } = form;
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
        Edit
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={`Edit ${org.name}`}>
        <form
          noValidate
          className="space-y-4"
          onSubmit={handleSubmit(async (values) => {
            if (
              values.name !== org.name &&
              !applyResult(
                await renameOrganizationAction({ organizationId: org.id, name: values.name }),
                form.setError,
              )
            )
              return;
            if (
              values.planId !== org.planId &&
              !applyResult(
                await setOrganizationPlanAction({ organizationId: org.id, planId: values.planId }),
                form.setError,
              )
            )
              return;
            toast.success("Organisation saved");
            setOpen(false);
          })}
        >
          <TextInput label="Name" error={formState.errors.name?.message} {...register("name")} />
          <SelectInput
            label="Default plan"
            help="New users of this organisation get this plan."
            error={formState.errors.planId?.message}
            {...register("planId")}
          >
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectInput>
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
