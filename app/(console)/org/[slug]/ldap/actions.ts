"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/action";
import { NotFoundError } from "@/lib/errors";
import { authorizeOrg } from "@/lib/auth/session";
import {
  connectionIdSchema,
  connectionSchema,
  newConnectionSchema,
  syncSettingsSchema,
} from "@/lib/connections/schema";
import {
  createConnection,
  createConnectionRequest,
  deleteConnection,
  moveConnection,
  setConnectionEnabled,
  testConnectionValues,
  testStoredConnection,
  updateConnection,
} from "@/lib/connections/service";

// Every action authorizes against the organisation named by the route, never by the form.
async function ctxOf(slug: string) {
  const { user, org } = await authorizeOrg(slug, "connections:manage");
  return { actorId: user.id, organizationId: org.id };
}

export async function createConnectionAction(slug: string, input: unknown) {
  return runAction(newConnectionSchema, input, async (values) => {
    const connection = await createConnection(await ctxOf(slug), values);
    revalidatePath(`/org/${slug}/ldap`);
    return { id: connection.id };
  });
}

export async function updateConnectionAction(slug: string, connectionId: string, input: unknown) {
  return runAction(connectionSchema, input, async (values) => {
    await updateConnection(await ctxOf(slug), z.uuid().parse(connectionId), values);
    revalidatePath(`/org/${slug}/ldap`);
  });
}

export async function testConnectionValuesAction(slug: string, connectionId: string | null, input: unknown) {
  return runAction(connectionSchema, input, async (values) =>
    testConnectionValues(await ctxOf(slug), values, connectionId ? z.uuid().parse(connectionId) : undefined),
  );
}

export async function testStoredConnectionAction(slug: string, input: unknown) {
  return runAction(connectionIdSchema, input, async ({ connectionId }) =>
    testStoredConnection(await ctxOf(slug), connectionId),
  );
}

export async function setConnectionEnabledAction(slug: string, input: unknown) {
  return runAction(
    connectionIdSchema.extend({ enabled: z.boolean() }),
    input,
    async ({ connectionId, enabled }) => {
      await setConnectionEnabled(await ctxOf(slug), connectionId, enabled);
      revalidatePath(`/org/${slug}/ldap`);
    },
  );
}

export async function deleteConnectionAction(slug: string, input: unknown) {
  return runAction(connectionIdSchema, input, async ({ connectionId }) => {
    await deleteConnection(await ctxOf(slug), connectionId);
    revalidatePath(`/org/${slug}/ldap`);
  });
}

export async function moveConnectionAction(slug: string, input: unknown) {
  return runAction(
    connectionIdSchema.extend({ direction: z.enum(["up", "down"]) }),
    input,
    async ({ connectionId, direction }) => {
      await moveConnection(await ctxOf(slug), connectionId, direction);
      revalidatePath(`/org/${slug}/ldap`);
    },
  );
}

export async function createConnectionRequestAction(slug: string, input: unknown) {
  return runAction(
    z.object({ note: z.string().trim().max(200, "At most 200 characters.").optional() }),
    input,
    async ({ note }) => {
      const { token, expiresAt } = await createConnectionRequest(await ctxOf(slug), note);
      return { path: `/connect/${token}`, expiresAt: expiresAt.toISOString() };
    },
  );
}

// --- Synchronisation ---

export async function syncNowAction(slug: string, input: unknown) {
  return runAction(
    connectionIdSchema.extend({ confirm: z.boolean().optional() }),
    input,
    async ({ connectionId, confirm }) => {
      const ctx = await ctxOf(slug);
      const { startSync } = await import("@/lib/sync/service");
      await startSync(ctx, connectionId, confirm ? "CONFIRMATION" : "MANUAL");
    },
  );
}

export async function connectionRunsAction(slug: string, input: unknown) {
  return runAction(connectionIdSchema, input, async ({ connectionId }) => {
    const ctx = await ctxOf(slug);
    const { recentRuns } = await import("@/lib/sync/queries");
    const runs = await recentRuns(ctx.organizationId, connectionId);
    if (!runs) throw new NotFoundError("Connection not found.");
    return runs;
  });
}

export async function previewSyncAction(slug: string, connectionId: string, input: unknown) {
  // Preview of the stored settings (input null) or of unsaved form values.
  const schema = input === null ? z.null() : connectionSchema;
  return runAction(schema, input, async (values) => {
    const ctx = await ctxOf(slug);
    const { previewSync } = await import("@/lib/sync/service");
    return previewSync(ctx, z.uuid().parse(connectionId), values ?? undefined);
  });
}

export async function updateSyncSettingsAction(slug: string, connectionId: string, input: unknown) {
  return runAction(syncSettingsSchema, input, async (values) => {
    const { updateSyncSettings } = await import("@/lib/connections/service");
    await updateSyncSettings(await ctxOf(slug), z.uuid().parse(connectionId), values);
    revalidatePath(`/org/${slug}/ldap`);
  });
}
