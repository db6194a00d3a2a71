import { db } from "../test/db";
import { connectTo, uid } from "../test/factories";
import { startSlapd } from "../test/ldap/slapd";
import { expect, test } from "./fixtures";

// An identity conflict waits on the Notifications page, naming both entries, until an administrator decides.
// The notification is the one a sync writes (lib/sync/records.ts recordConflicts); the sync itself is tested
// against slapd in lib/identity/tenant.test.ts.
test("an administrator links a conflicting entry to the account, or keeps them apart", async ({
  signedInPage: page,
  org,
}) => {
  const domain = `conflict-${uid()}.example`;
  const connection = await connectTo(
    { url: "ldap://127.0.0.1:9", managerDn: "cn=x,dc=y", managerPassword: "x", baseDn: "dc=y" },
    org,
    { domain },
  );
  const account = await db.user.create({
    data: {
      email: `ann@${domain}`,
      name: "Ann Original",
      source: "DIRECTORY",
      connectionId: connection.id,
      directoryId: "old-id",
      dn: "uid=ann,ou=people,dc=y",
      memberships: {
        create: {
          organizationId: org.id,
          roles: ["ORIGINATOR"],
          planId: (await db.organization.findUniqueOrThrow({ where: { id: org.id } })).defaultPlanId,
        },
      },
    },
  });
  const conflict = (dn: string, directoryId: string) =>
    db.notification.create({
      data: {
        organizationId: org.id,
        kind: "IDENTITY_CONFLICT",
        userId: account.id,
        details: {
          connectionId: connection.id,
          email: account.email,
          entry: { dn, directoryId },
          existing: { dn: account.dn, directoryId: "old-id", connectionId: connection.id },
        },
      },
    });
  await conflict("uid=ann2,ou=people,dc=y", "new-id");
  await conflict("uid=impostor,ou=people,dc=y", "other-id");

  await page.goto(`/org/${org.slug}/notifications`);
  const items = page.getByRole("listitem", { name: `Conflict ${account.email}` });
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText("Account of: uid=ann,ou=people,dc=y");

  const impostor = items.filter({ hasText: "uid=impostor" });
  await impostor.getByRole("button", { name: "Keep apart" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Keep apart" }).click();
  await expect(items).toHaveCount(1);

  await items.getByRole("button", { name: "Same person: link" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Link the account" }).click();
  await expect(page.getByText("Nothing to do")).toBeVisible();
  expect(await db.user.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
    connectionId: connection.id,
    directoryId: "new-id",
    dn: "uid=ann2,ou=people,dc=y",
  });
  const decisions = await db.notification.findMany({
    where: { userId: account.id },
    select: { resolution: true },
    orderBy: { resolution: "asc" },
  });
  expect(decisions.map((d) => d.resolution)).toEqual(["KEPT_APART", "LINKED"]);
});

// Two entries of the organisation's own directory with one email, found by a real sync: the account is made
// from one of them, the other waits as a conflict; linking moves the account to it, and the next sync reports
// the first entry instead, never merging them silently.
test("two entries of one directory with one email wait for an administrator's decision", async ({
  signedInPage: page,
  org,
}) => {
  const domain = `twins-${uid()}.example`;
  const slapd = await startSlapd({
    users: [
      { uid: "ann", cn: "Ann One", mail: `ann@${domain}` },
      { uid: "ann2", cn: "Ann Two", mail: `ann@${domain}` },
    ],
  });
  try {
    const connection = await connectTo(slapd, org, { domain });
    const { name } = await db.ldapConnection.findUniqueOrThrow({ where: { id: connection.id } });
    let runs = 0;
    const syncNow = async () => {
      await page.goto(`/org/${org.slug}/ldap`);
      await page.getByRole("listitem", { name }).getByRole("button", { name: "Sync now" }).click();
      runs++;
      await expect
        .poll(() => db.syncRun.count({ where: { connectionId: connection.id, status: "SUCCEEDED" } }))
        .toBe(runs);
    };
    await syncNow();
    const account = await db.user.findUniqueOrThrow({ where: { email: `ann@${domain}` } });
    expect(account.dn).toBe(slapd.userDn("ann"));

    await page.goto(`/org/${org.slug}/notifications`);
    const items = page.getByRole("listitem", { name: `Conflict ann@${domain}` });
    await expect(items).toHaveCount(1);
    await expect(items).toContainText(slapd.userDn("ann2"));
    await expect(items).toContainText(`Account of: ${slapd.userDn("ann")}`);
    await items.getByRole("button", { name: "Same person: link" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Link the account" }).click();
    await expect(page.getByText("Nothing to do")).toBeVisible();

    await syncNow();
    expect(await db.user.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      dn: slapd.userDn("ann2"),
      name: "Ann Two",
    });
    await page.goto(`/org/${org.slug}/notifications`);
    await expect(items).toHaveCount(1);
    await expect(items).toContainText(`Account of: ${slapd.userDn("ann2")}`);
  } finally {
    await slapd.stop();
  }
});
