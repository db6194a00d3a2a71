import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { decryptSecret, encryptSecret, hashLinkToken, newLinkToken } from "@/lib/crypto";
import { NotFoundError, UserError } from "@/lib/errors";
import { forAnonymousCaller, testConnection, type TestResult } from "@/lib/directory/test-connection";
import type { ConnectionValues } from "@/lib/connections/schema";
import { testSignIn, type SignInTest } from "@/lib/directory/test-sign-in";
import { consumeSignInTest, TooManyAttemptsError } from "@/lib/auth/rate-limit";
import type { OrgCtx } from "@/lib/auth/org-context";

// The fields stored as they are; the manager password is sealed separately.
function columns(v: ConnectionValues) {
  return {
    name: v.name,
    preset: v.preset,
    serverUrl: v.serverUrl,
    serverTimeout: v.serverTimeout,
    managerDn: v.managerDn,
    baseDn: v.baseDn,
    syncFilter: v.syncFilter,
    authFilter: v.authFilter,
    domain: v.domain.toLowerCase(),
    accountNameField: v.accountNameField,
    emailField: v.emailField,
    userPrincipalNameField: v.userPrincipalNameField,
    fullNameField: v.fullNameField,
    statusField: v.statusField,
    statusDisabled: v.statusDisabled,
    statusDisabledMode: v.statusDisabledMode,
    groupBaseDn: v.groupBaseDn,
    groupFilter: v.groupFilter ?? "",
    groupMemberAttributes: v.groupMemberAttributes ?? [],
    startTls: v.startTls,
    caCertificate: v.caCertificate || null,
  };
}

async function ownConnection(ctx: OrgCtx, connectionId: string) {
  const connection = await db.ldapConnection.findFirst({
    where: { id: connectionId, organizationId: ctx.organizationId },
    select: {
      id: true,
      name: true,
      enabled: true,
      managerPasswordEnc: true,
      position: true,
      awaitingReview: true,
      serverUrl: true,
      managerDn: true,
    },
  });
  // Another organisation's connection is "not found": nothing of it is revealed.
  if (!connection) throw new NotFoundError("Connection not found.");
  return connection;
}

export async function createConnection(
  ctx: OrgCtx,
  values: ConnectionValues,
  options: { enabled?: boolean; awaitingReview?: boolean } = {},
) {
  if (!values.managerPassword)
    throw new UserError("Enter the manager password.", { managerPassword: "Enter the manager password." });
  return db.$transaction(async (tx) => {
    const last = await tx.ldapConnection.aggregate({
      where: { organizationId: ctx.organizationId },
      _max: { position: true },
    });
    const connection = await tx.ldapConnection.create({
      data: {
        ...columns(values),
        organizationId: ctx.organizationId,
        managerPasswordEnc: encryptSecret(values.managerPassword),
        enabled: options.enabled ?? true,
        awaitingReview: options.awaitingReview ?? false,
        position: (last._max.position ?? -1) + 1,
      },
      select: { id: true, name: true },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "connection.create",
      targetType: "connection",
      targetId: connection.id,
      details: { name: values.name, serverUrl: values.serverUrl },
    });
    return connection;
  });
}

/**
 * The stored manager password may only go to the server and DN it was given for: pointing a connection
 * somewhere else with the password left empty would hand the secret to whatever answers there.
 */
export function assertStoredPasswordStays(
  stored: { serverUrl: string; managerDn: string },
  values: { serverUrl: string; managerDn: string; managerPassword?: string },
) {
  if (values.managerPassword) return;
  if (
    stored.serverUrl.trim().toLowerCase() !== values.serverUrl.trim().toLowerCase() ||
    stored.managerDn.trim().toLowerCase() !== values.managerDn.trim().toLowerCase()
  ) {
    const message = "Server URL or Manager DN changed: enter the manager password again.";
    throw new UserError(message, { managerPassword: message });
  }
}

/** An empty manager password keeps the stored one. */
export async function updateConnection(ctx: OrgCtx, connectionId: string, values: ConnectionValues) {
  assertStoredPasswordStays(await ownConnection(ctx, connectionId), values);
  await db.$transaction(async (tx) => {
    await tx.ldapConnection.update({
      where: { id: connectionId },
      data: {
        ...columns(values),
        ...(values.managerPassword ? { managerPasswordEnc: encryptSecret(values.managerPassword) } : {}),
      },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "connection.update",
      targetType: "connection",
      targetId: connectionId,
      details: { name: values.name, passwordChanged: Boolean(values.managerPassword) },
    });
  });
}

export async function setConnectionEnabled(ctx: OrgCtx, connectionId: string, enabled: boolean) {
  await ownConnection(ctx, connectionId);
  await db.$transaction(async (tx) => {
    // Enabling a submitted connection is its review.
    await tx.ldapConnection.update({
      where: { id: connectionId },
      data: { enabled, ...(enabled ? { awaitingReview: false } : {}) },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: enabled ? "connection.enable" : "connection.disable",
      targetType: "connection",
      targetId: connectionId,
    });
  });
}

export async function deleteConnection(ctx: OrgCtx, connectionId: string) {
  const connection = await ownConnection(ctx, connectionId);
  await db.$transaction(async (tx) => {
    await tx.ldapConnection.delete({ where: { id: connectionId } });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "connection.delete",
      targetType: "connection",
      targetId: connectionId,
      details: { name: connection.name },
    });
  });
}

/** Moves a connection one place up or down; the order decides sign-in attempts and duplicate emails. */
export async function moveConnection(ctx: OrgCtx, connectionId: string, direction: "up" | "down") {
  await db.$transaction(async (tx) => {
    const all = await tx.ldapConnection.findMany({
      where: { organizationId: ctx.organizationId },
      orderBy: [{ position: "asc" }, { createdAt: "asc" }],
      select: { id: true, name: true },
    });
    const index = all.findIndex((c) => c.id === connectionId);
    if (index < 0) throw new NotFoundError("Connection not found.");
    const target = direction === "up" ? index - 1 : index + 1;
    if (target < 0 || target >= all.length) return;
    [all[index], all[target]] = [all[target], all[index]];
    for (const [position, c] of all.entries())
      await tx.ldapConnection.update({ where: { id: c.id }, data: { position } });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "connection.reorder",
      targetType: "connection",
      targetId: connectionId,
      details: { order: all.map((c) => c.name) },
    });
  });
}

/** The manager password a test uses: the form's, or on an edit with the field empty, the stored one. */
async function managerPasswordFor(ctx: OrgCtx, values: ConnectionValues, connectionId?: string) {
  let password = values.managerPassword;
  if (!password && connectionId) {
    const stored = await ownConnection(ctx, connectionId);
    assertStoredPasswordStays(stored, values);
    password = decryptSecret(stored.managerPasswordEnc);
  }
  if (!password)
    throw new UserError("Enter the manager password to test.", {
      managerPassword: "Enter the manager password.",
    });
  return password;
}

/** Tests form values; on an edit with an empty password field, the stored password is used. */
export async function testConnectionValues(
  ctx: OrgCtx,
  values: ConnectionValues,
  connectionId?: string,
): Promise<TestResult> {
  const password = await managerPasswordFor(ctx, values, connectionId);
  return testConnection({
    ...values,
    managerPassword: password,
    caCertificate: values.caCertificate || null,
  });
}

/**
 * "Test sign-in" of one person through a saved connection, with the dialog's values. Nothing is stored; the
 * password is neither logged nor returned. Limited per administrator: it is a password tried against a
 * directory.
 */
export async function testSignInValues(
  ctx: OrgCtx,
  connectionId: string,
  input: { connection: ConnectionValues; login: string; password: string },
): Promise<SignInTest> {
  await ownConnection(ctx, connectionId);
  const managerPassword = await managerPasswordFor(ctx, input.connection, connectionId);
  try {
    // The system (CLI) has no administrator to count against; it shares one allowance.
    await consumeSignInTest(ctx.actorId ?? "system");
  } catch (error) {
    if (!(error instanceof TooManyAttemptsError)) throw error;
    const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
    throw new UserError(`Too many sign-in tests. Try again in ${minutes} minutes.`);
  }
  return testSignIn({
    organizationId: ctx.organizationId,
    connectionId,
    config: { ...input.connection, managerPassword, caCertificate: input.connection.caCertificate || null },
    login: input.login,
    password: input.password,
  });
}

export async function testStoredConnection(ctx: OrgCtx, connectionId: string): Promise<TestResult> {
  await ownConnection(ctx, connectionId);
  const c = await db.ldapConnection.findUniqueOrThrow({ where: { id: connectionId } });
  return testConnection({ ...c, managerPassword: decryptSecret(c.managerPasswordEnc) });
}

// --- Links for directory administrators (/connect/[token]) ---

export const REQUEST_TTL_HOURS = 72;

export async function createConnectionRequest(ctx: OrgCtx, note?: string) {
  const token = newLinkToken();
  const expiresAt = new Date(Date.now() + REQUEST_TTL_HOURS * 3600_000);
  await db.$transaction(async (tx) => {
    const request = await tx.connectionRequest.create({
      data: {
        organizationId: ctx.organizationId,
        tokenHash: hashLinkToken(token),
        createdById: ctx.actorId,
        note: note || null,
        expiresAt,
      },
      select: { id: true },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "connection-request.create",
      targetType: "connection-request",
      targetId: request.id,
    });
  });
  // The token itself is shown once and stored only as a hash.
  return { token, expiresAt };
}

export type RequestState =
  | { state: "valid"; organizationName: string; expiresAt: Date; note: string | null }
  | { state: "used" | "expired" | "unknown" };

export async function findConnectionRequest(
  token: string,
): Promise<RequestState & { id?: string; organizationId?: string }> {
  if (!/^[\w-]{20,100}$/.test(token)) return { state: "unknown" };
  const request = await db.connectionRequest.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: {
      id: true,
      organizationId: true,
      usedAt: true,
      expiresAt: true,
      note: true,
      organization: { select: { name: true } },
    },
  });
  if (!request) return { state: "unknown" };
  if (request.usedAt) return { state: "used" };
  if (request.expiresAt < new Date()) return { state: "expired" };
  return {
    state: "valid",
    organizationName: request.organization.name,
    expiresAt: request.expiresAt,
    note: request.note,
    id: request.id,
    organizationId: request.organizationId,
  };
}

/** The directory administrator's submission: stored disabled and awaiting review, and the link is used up. */
export async function submitConnectionRequest(token: string, values: ConnectionValues) {
  const found = await findConnectionRequest(token);
  if (found.state !== "valid")
    throw new UserError(
      found.state === "used"
        ? "This link has been used already."
        : found.state === "expired"
          ? "This link has expired."
          : "This link is not valid.",
    );
  if (!values.managerPassword)
    throw new UserError("Enter the manager password.", { managerPassword: "Enter the manager password." });
  return db.$transaction(async (tx) => {
    // Claiming the link in the same statement that checks it: two submissions at once cannot both win.
    const claimed = await tx.connectionRequest.updateMany({
      where: { id: found.id, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) throw new UserError("This link has been used already.");
    const last = await tx.ldapConnection.aggregate({
      where: { organizationId: found.organizationId },
      _max: { position: true },
    });
    const connection = await tx.ldapConnection.create({
      data: {
        ...columns(values),
        organizationId: found.organizationId!,
        managerPasswordEnc: encryptSecret(values.managerPassword),
        enabled: false,
        awaitingReview: true,
        position: (last._max.position ?? -1) + 1,
      },
      select: { id: true },
    });
    await tx.connectionRequest.update({ where: { id: found.id }, data: { connectionId: connection.id } });
    await audit(tx, {
      actorId: null,
      organizationId: found.organizationId,
      action: "connection-request.submit",
      targetType: "connection",
      targetId: connection.id,
      details: { name: values.name },
    });
    return connection;
  });
}

const ANONYMOUS_FAILURE_FLOOR_MS = 10_000;

export async function testRequestValues(token: string, values: ConnectionValues): Promise<TestResult> {
  const found = await findConnectionRequest(token);
  if (found.state !== "valid") throw new UserError("This link is no longer valid.");
  if (!values.managerPassword)
    throw new UserError("Enter the manager password to test.", {
      managerPassword: "Enter the manager password.",
    });
  const started = Date.now();
  const result = forAnonymousCaller(
    await testConnection({ ...values, caCertificate: values.caCertificate || null }),
  );
  // A refused port answers at once, a filtered or silent one at the timeout: the same wait for every failure
  // to connect, so that the time taken tells no more than the message.
  if (!result.ok && result.kind === "unreachable") {
    const floor = Math.min(values.serverTimeout, ANONYMOUS_FAILURE_FLOOR_MS);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, floor - (Date.now() - started))));
  }
  return result;
}

export async function updateSyncSettings(
  ctx: OrgCtx,
  connectionId: string,
  settings: {
    syncIntervalMinutes: number;
    fullSyncIntervalMinutes: number;
    disableThresholdPercent: number;
    disableThresholdCount: number;
    debugLogging: boolean;
  },
) {
  await ownConnection(ctx, connectionId);
  await db.$transaction(async (tx) => {
    await tx.ldapConnection.update({ where: { id: connectionId }, data: settings });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "connection.sync-settings",
      targetType: "connection",
      targetId: connectionId,
      details: settings,
    });
  });
}
