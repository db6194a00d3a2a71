import { expect, test } from "@playwright/test";
import { encryptSecret } from "./helpers/crypto";
import { createOrg, db } from "./helpers/db";
import { startSlapd } from "../test/ldap/slapd";

test("the cron route refuses callers without the secret and runs due connections for those with it", async ({ request }) => {
  expect((await request.get("/api/cron/sync")).status()).toBe(401);
  expect((await request.get("/api/cron/sync", { headers: { authorization: "Bearer wrong" } })).status()).toBe(401);

  const slapd = await startSlapd({ users: [{ uid: "cronny", cn: "Cron Ny", mail: "cronny@example.com" }] });
  try {
    const org = await createOrg("cron");
    const connection = await db.ldapConnection.create({
      data: {
        organizationId: org.id, name: "Cron directory", preset: "OPENLDAP", serverUrl: slapd.url, serverTimeout: 5000, managerDn: slapd.managerDn,
        managerPasswordEnc: encryptSecret(slapd.managerPassword), baseDn: `ou=people,${slapd.baseDn}`, syncFilter: "(objectClass=inetOrgPerson)",
        authFilter: "(uid={0})", domain: "example.com", accountNameField: "uid", emailField: "mail", userPrincipalNameField: "mail", fullNameField: "cn",
        statusField: "employeeType", statusDisabled: "disabled",
      },
    });
    const response = await request.get("/api/cron/sync", { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
    expect(response.status()).toBe(200);
    const summary = await response.json();
    expect(summary.ran).toEqual(expect.arrayContaining([expect.objectContaining({ connectionId: connection.id, status: "SUCCEEDED", counts: expect.objectContaining({ created: 1 }) })]));
    expect(await db.user.count({ where: { email: "cronny@example.com", status: "ACTIVE" } })).toBe(1);
    const next = await db.ldapConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(next.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
  } finally {
    await slapd.stop();
  }
});
