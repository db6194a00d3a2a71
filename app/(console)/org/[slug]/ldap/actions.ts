"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { routeId, runAction } from "@/lib/action";
import { NotFoundError } from "@/lib/errors";
import { authorizeOrg } from "@/lib/auth/session";
import {
  connectionIdSchema,
  connectionSchema,
  newConnectionSchema,
  signInTestSchema,
  syncSettingsSchema,
} from "@/lib/connections/schema";
import {
  createConnection,
  createConnectionRequest,
  deleteConnection,
  moveConnection,
  setConnectionEnabled,
  testConnectionValues,
  testSignInValues,
  testStoredConnection,
  updateConnection,
} from "@/lib/connections/service";

// Every action authorizes against the organisation named by the route, never by the form, and does so
// before it reads its input; a connection id bound by the page is checked next.
async function ctxOf(slug: string) {
  const { user, org } = await authorizeOrg(slug, "connections:manage");
  return { actorId: user.id, organizationId: org.id };
}
const inOrg = (slug: string) => () => ctxOf(slug);
const forConnection = (slug: string, connectionId: unknown) => async () => ({
  ctx: await ctxOf(slug),
  connectionId: routeId(connectionId, "Connection not found."),
});

const noteSchema = z.object({ note: z.string().trim().max(200, "At most 200 characters.").optional() });
const enabledSchema = connectionIdSchema.extend({ enabled: z.boolean() });
const moveSchema = connectionIdSchema.extend({ direction: z.enum(["up", "down"]) });
const syncNowSchema = connectionIdSchema.extend({ confirm: z.boolean().optional() });

export async function createConnectionAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), newConnectionSchema, input, async (ctx, values) => {
    const connection = await createConnection(ctx, values);
    revalidatePath(`/org/${slug}/ldap`);
    return { id: connection.id };
  });
}

export async function updateConnectionAction(slug: string, connectionId: string, input: unknown) {
  return runAction(
    forConnection(slug, connectionId),
    connectionSchema,
    input,
    async ({ ctx, connectionId }, values) => {
      await updateConnection(ctx, connectionId, values);
      revalidatePath(`/org/${slug}/ldap`);
    },
  );
}

export async function testConnectionValuesAction(slug: string, connectionId: string | null, input: unknown) {
  const authorize = async () => ({
    ctx: await ctxOf(slug),
    connectionId: connectionId === null ? undefined : routeId(connectionId, "Connection not found."),
  });
  return runAction(authorize, connectionSchema, input, ({ ctx, connectionId }, values) =>
    testConnectionValues(ctx, values, connectionId),
  );
}

/** The connection comes from the route; the login and password from the form, and neither is kept. */
export async function testSignInAction(slug: string, connectionId: string, input: unknown) {
  return runAction(
    forConnection(slug, connectionId),
    signInTestSchema,
    input,
    ({ ctx, connectionId }, values) => testSignInValues(ctx, connectionId, values),
  );
}

export async function testStoredConnectionAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), connectionIdSchema, input, (ctx, { connectionId }) =>
    testStoredConnection(ctx, connectionId),
  );
}

export async function setConnectionEnabledAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), enabledSchema, input, async (ctx, { connectionId, enabled }) => {
    await setConnectionEnabled(ctx, connectionId, enabled);
    revalidatePath(`/org/${slug}/ldap`);
  });
}

export async function deleteConnectionAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), connectionIdSchema, input, async (ctx, { connectionId }) => {
    await deleteConnection(ctx, connectionId);
    revalidatePath(`/org/${slug}/ldap`);
  });
}

export async function moveConnectionAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), moveSchema, input, async (ctx, { connectionId, direction }) => {
    await moveConnection(ctx, connectionId, direction);
    revalidatePath(`/org/${slug}/ldap`);
  });
}

export async function createConnectionRequestAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), noteSchema, input, async (ctx, { note }) => {
    const { token, expiresAt } = await createConnectionRequest(ctx, note);
    return { path: `/connect/${token}`, expiresAt: expiresAt.toISOString() };
  });
}

// --- Synchronisation ---

export async function syncNowAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), syncNowSchema, input, async (ctx, { connectionId, confirm }) => {
    const { startSync } = await import("@/lib/sync/service");
    await startSync(ctx, connectionId, confirm ? "CONFIRMATION" : "MANUAL");
  });
}

export async function connectionRunsAction(slug: string, input: unknown) {
  return runAction(inOrg(slug), connectionIdSchema, input, async (ctx, { connectionId }) => {
    const { recentRuns } = await import("@/lib/sync/queries");
    const runs = await recentRuns(ctx.organizationId, connectionId);
    if (!runs) throw new NotFoundError("Connection not found.");
    return runs;
  });
}

export async function previewSyncAction(slug: string, connectionId: string, input: unknown) {
  // Preview of the stored settings (input null) or of unsaved form values.
  const schema = input === null ? z.null() : connectionSchema;
  return runAction(
    forConnection(slug, connectionId),
    schema,
    input,
    async ({ ctx, connectionId }, values) => {
      const { previewSync } = await import("@/lib/sync/service");
      return previewSync(ctx, connectionId, values ?? undefined);
    },
  );
}

export async function updateSyncSettingsAction(slug: string, connectionId: string, input: unknown) {
  return runAction(
    forConnection(slug, connectionId),
    syncSettingsSchema,
    input,
    async ({ ctx, connectionId }, values) => {
      const { updateSyncSettings } = await import("@/lib/connections/service");
      await updateSyncSettings(ctx, connectionId, values);
      revalidatePath(`/org/${slug}/ldap`);
    },
  );
}
