import { z } from "zod";

export const organizationSchema = z.object({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter a short name for the address.")
    .max(63, "At most 63 characters.")
    .regex(
      /^[a-z0-9][a-z0-9-]*$/,
      "Use lower-case letters, digits and dashes, starting with a letter or digit.",
    ),
  name: z.string().trim().min(1, "Enter the organisation's name.").max(100, "At most 100 characters."),
});
export type OrganizationInput = z.input<typeof organizationSchema>;

export const renameOrganizationSchema = organizationSchema
  .pick({ name: true })
  .extend({ organizationId: z.uuid() });

export const planSchema = z.object({
  name: z.string().trim().min(1, "Enter the plan's name.").max(64, "At most 64 characters."),
  storageQuotaGb: z.coerce
    .number({ error: "Enter a number of gigabytes." })
    .positive("Enter a quota above zero.")
    .max(1_000_000, "At most 1,000,000 GB.")
    // Stored in bytes: a quota that rounds to zero bytes is a zero-byte plan.
    .refine((v) => Math.round(v * 1024 ** 3) >= 1, "Enter a quota above zero."),
});
export type PlanInput = z.input<typeof planSchema>;

export const updatePlanSchema = planSchema.extend({ planId: z.uuid() });
export const planIdSchema = z.object({ planId: z.uuid() });
export const setOrgPlanSchema = z.object({
  organizationId: z.uuid(),
  planId: z.uuid("Choose a plan."),
});
