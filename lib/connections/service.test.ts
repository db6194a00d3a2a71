import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { decryptSecret } from "@/lib/crypto";
import { PRESETS } from "@/lib/directory/presets";
import { connectionSchema, type ConnectionValues } from "@/lib/connections/schema";
import { listConnections } from "@/lib/connections/queries";
import {
  createConnection,
  createConnectionRequest,
  deleteConnection,
  findConnectionRequest,
  moveConnection,
  setConnectionEnabled,
  submitConnectionRequest,
  testConnectionValues,
  testStoredConnection,
  updateConnection,
} from "@/lib/connections/service";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { makeOrg } from "@/test/factories";

let slapd: Slapd;
beforeAll(async () => {
  slapd = await startSlapd({
    users: [{ uid: "alice", cn: "Alice Anders", mail: "alice@example.com", password: "alice-pw" }],
  });
}, 60_000);
afterAll(async () => slapd?.stop());

function values(overrides: Partial<ConnectionValues> = {}): ConnectionValues {
  return connectionSchema.parse({
    name: "Head office",
    preset: "OPENLDAP",
    serverUrl: slapd.url,
    serverTimeout: 3000,
    managerDn: slapd.managerDn,
    managerPassword: slapd.managerPassword,
    baseDn: `ou=people,${slapd.baseDn}`,
    domain: "example.com",
    startTls: false,
    caCertificate: "",
    ...PRESETS.OPENLDAP,
    ...overrides,
  });
}

describe("connections", () => {
  it("stores the manager password encrypted, never lists it, keeps it on an empty edit", async () => {
    const org = await makeOrg();
    const ctx = { actorId: null, organizationId: org.id };
    const { id } = await createConnection(ctx, values());
    const stored = await db.ldapConnection.findUniqueOrThrow({ where: { id } });
    expect(stored.managerPasswordEnc).not.toContain(slapd.managerPassword);
    expect(decryptSecret(stored.managerPasswordEnc)).toBe(slapd.managerPassword);
    const listed = await listConnections(org.id);
    expect(JSON.stringify(listed)).not.toContain(stored.managerPasswordEnc);
    expect(JSON.stringify(listed)).not.toContain(slapd.managerPassword);

    await updateConnection(ctx, id, values({ name: "Renamed", managerPassword: "" }));
    const kept = await db.ldapConnection.findUniqueOrThrow({ where: { id } });
    expect(kept.name).toBe("Renamed");
    expect(decryptSecret(kept.managerPasswordEnc)).toBe(slapd.managerPassword);
    // The stored password still works for Test connection, on the row and in the edit dialog.
    expect((await testStoredConnection(ctx, id)).ok).toBe(true);
    expect((await testConnectionValues(ctx, values({ managerPassword: "" }), id)).ok).toBe(true);

    await updateConnection(ctx, id, values({ managerPassword: "changed-password" }));
    expect(
      decryptSecret((await db.ldapConnection.findUniqueOrThrow({ where: { id } })).managerPasswordEnc),
    ).toBe("changed-password");
    expect(await testStoredConnection(ctx, id)).toMatchObject({ ok: false, kind: "invalid-credentials" });
  });

  it("never sends the stored manager password to another server or DN", async () => {
    const org = await makeOrg();
    const ctx = { actorId: null, organizationId: org.id };
    const { id } = await createConnection(ctx, values());
    const elsewhere = values({ serverUrl: "ldap://127.0.0.1:9", managerPassword: "" });
    await expect(testConnectionValues(ctx, elsewhere, id)).rejects.toMatchObject({
      fieldErrors: { managerPassword: expect.stringContaining("enter the manager password again") },
    });
    await expect(updateConnection(ctx, id, elsewhere)).rejects.toMatchObject({
      fieldErrors: { managerPassword: expect.any(String) },
    });
    await expect(
      updateConnection(
        ctx,
        id,
        values({ managerDn: "cn=someone-else,dc=example,dc=com", managerPassword: "" }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { managerPassword: expect.any(String) } });
    expect((await db.ldapConnection.findUniqueOrThrow({ where: { id } })).serverUrl).toBe(slapd.url);
    // With the password typed again, the change is fine.
    await updateConnection(
      ctx,
      id,
      values({
        serverUrl: slapd.url.replace("127.0.0.1", "localhost"),
        managerPassword: slapd.managerPassword,
      }),
    );
  });

  it("refuses every change to another organisation's connection", async () => {
    const [mine, theirs] = [await makeOrg(), await makeOrg()];
    const { id } = await createConnection({ actorId: null, organizationId: theirs.id }, values());
    const ctx = { actorId: null, organizationId: mine.id };
    await expect(updateConnection(ctx, id, values({ name: "hijacked" }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(setConnectionEnabled(ctx, id, false)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteConnection(ctx, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(testStoredConnection(ctx, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(testConnectionValues(ctx, values({ managerPassword: "" }), id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(moveConnection(ctx, id, "up")).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.ldapConnection.findUniqueOrThrow({ where: { id } })).toMatchObject({
      name: "Head office",
      enabled: true,
    });
  });

  it("keeps an order that the administrator can change", async () => {
    const org = await makeOrg();
    const ctx = { actorId: null, organizationId: org.id };
    const a = await createConnection(ctx, values({ name: "A" }));
    await createConnection(ctx, values({ name: "B" }));
    await createConnection(ctx, values({ name: "C" }));
    await moveConnection(ctx, a.id, "down");
    expect((await listConnections(org.id)).map((c) => c.name)).toEqual(["B", "A", "C"]);
    await moveConnection(ctx, a.id, "down");
    await moveConnection(ctx, a.id, "down");
    expect((await listConnections(org.id)).map((c) => c.name)).toEqual(["B", "C", "A"]);
  });
});

describe("links for directory administrators", () => {
  it("takes one submission, stores it disabled awaiting review, then says the link is used", async () => {
    const org = await makeOrg();
    const { token } = await createConnectionRequest(
      { actorId: null, organizationId: org.id },
      "Please connect",
    );
    expect(await db.connectionRequest.count({ where: { tokenHash: token } })).toBe(0);
    expect(await findConnectionRequest(token)).toMatchObject({ state: "valid", note: "Please connect" });
    const results = await Promise.allSettled([
      submitConnectionRequest(token, values({ name: "From the DA" })),
      submitConnectionRequest(token, values({ name: "Twice" })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [connection] = await listConnections(org.id);
    expect(connection).toMatchObject({ name: "From the DA", enabled: false, awaitingReview: true });
    expect((await findConnectionRequest(token)).state).toBe("used");
    await setConnectionEnabled({ actorId: null, organizationId: org.id }, connection.id, true);
    expect((await listConnections(org.id))[0]).toMatchObject({ enabled: true, awaitingReview: false });
  });

  it("says an expired or unknown link is not valid", async () => {
    const org = await makeOrg();
    const { token } = await createConnectionRequest({ actorId: null, organizationId: org.id });
    await db.connectionRequest.updateMany({
      where: { organizationId: org.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await findConnectionRequest(token)).state).toBe("expired");
    await expect(submitConnectionRequest(token, values())).rejects.toThrow("This link has expired.");
    expect((await findConnectionRequest("x".repeat(43))).state).toBe("unknown");
    expect(await db.ldapConnection.count({ where: { organizationId: org.id } })).toBe(0);
  });
});

describe("command line", () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/cli.ts", ...args], {
      env: process.env,
      timeout: 60_000,
    });

  it("adds, tests and lists a connection", async () => {
    const org = await makeOrg();
    const file = path.join(os.tmpdir(), `connection-${org.slug}.json`);
    const {
      preset: _preset,
      statusDisabledMode: _mode,
      startTls: _tls,
      caCertificate: _ca,
      ...keys
    } = values({ name: "From the CLI" });
    fs.writeFileSync(file, JSON.stringify(keys));
    const added = await cli("connection", "add", org.slug, "--json", file);
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const tested = await cli("connection", "test", id);
    expect(tested.stdout).toContain("1 entry matches the Sync filter");
    const listed = JSON.parse((await cli("connection", "list", org.slug, "--json")).stdout);
    expect(listed).toEqual([expect.objectContaining({ id, name: "From the CLI", enabled: true })]);
    expect(JSON.stringify(listed)).not.toContain(slapd.managerPassword);
  }, 90_000);
});
