import { expect, test } from "@playwright/test";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, uid, verifyDomain } from "../test/factories";
import { apiLogin, uiLogin } from "./helpers/auth";
import { startSambaDc, type SambaDc } from "../test/ldap/samba";

let dc: SambaDc;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  dc = await startSambaDc({
    users: [
      {
        name: "nora",
        password: "Nora-Passw0rd!",
        mail: "nora@corp.example.com",
        givenName: "Nora",
        surname: "North",
      },
    ],
  });
});
test.afterAll(async () => dc?.stop());

// Test, save, sync, sign in as CORP\name; Advanced validation; column chooser.
test("a domain mapped from a real Samba AD through the Directory Service tab", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const org = await makeOrg("domains");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/org/${org.slug}/domains`);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.getByRole("dialog").getByLabel("Domain name").fill("corp.example.com");
  await page.getByRole("dialog").getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("heading", { name: "corp.example.com" })).toBeVisible();
  // A platform administrator's approval stands in for the DNS check here (tested on its own).
  await verifyDomain(org, "corp.example.com");

  await page.getByRole("tab", { name: "Advanced" }).click();
  await expect(page.getByLabel("Kerberos realm")).toHaveValue("CORP.EXAMPLE.COM");
  await page.getByLabel("Bind this domain to specific IP address").fill("300.1.2.3");
  await page.getByRole("tabpanel").getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter an IPv4 or IPv6 address.")).toBeVisible();
  await page.getByLabel("Bind this domain to specific IP address").fill("");
  await page.getByLabel("Windows NT domain").fill("CORP");
  await page.getByRole("tabpanel").getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Advanced settings saved")).toBeVisible();

  await page.getByRole("tab", { name: "Directory Service" }).click();
  const panel = page.getByRole("tabpanel");
  await expect(panel).toContainText("Mapping is one-way");
  await panel.getByLabel("Map user accounts and groups from a directory service").check();
  await panel.getByLabel("Directory service type").selectOption("ACTIVE_DIRECTORY");
  await panel.getByLabel("Hostname").fill(dc.address);
  await panel.getByLabel("Username").fill("Administrator");
  await panel.getByLabel("Password").fill(dc.adminPassword);
  await panel.getByLabel("Enable secured connection (LDAPS)").check();
  await expect(panel.getByText("use the server's DNS name")).toBeVisible();
  // LDAPS on: Samba's own certificate is self-signed, and the test says so.
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(panel.getByRole("status", { name: "Test result" })).toContainText(
    "certificate is not trusted",
  );
  await panel.getByLabel("Enable secured connection (LDAPS)").uncheck();
  await panel.getByRole("button", { name: "Test connection" }).click();
  await expect(panel.getByRole("status", { name: "Test result" })).toContainText("Active Directory");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Directory service saved")).toBeVisible();

  // Migration: a local account whose account name is in the directory becomes a directory account.
  // Only local accounts of the organisation's own verified domains are offered.
  const created = await makeUser({ org, roles: ["ORIGINATOR"], name: "Nora Local" });
  const local = { ...created, email: `nora-${uid()}@old-corp.example` };
  await db.user.update({ where: { id: local.id }, data: { accountName: "nora", email: local.email } });
  await verifyDomain(org, "old-corp.example");
  await page.reload();
  await page.getByRole("button", { name: "Find local accounts in the directory" }).click();
  const list = page.getByRole("list", { name: "Accounts to migrate" });
  await expect(list).toContainText(local.email);
  await expect(list).toContainText("matched by account name");
  await page.getByRole("button", { name: "Convert 1 accounts" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Convert accounts" }).click();
  await expect(page.getByText("1 accounts now come from the directory")).toBeVisible();
  expect(await db.user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
    source: "DIRECTORY",
    email: "nora@corp.example.com",
  });

  // The same connection model and engine: it is on the LDAP Connections page and syncs from there.
  await page.goto(`/org/${org.slug}/ldap`);
  const row = page.getByRole("listitem", { name: "corp.example.com (Directory Service)" });
  await row.getByRole("button", { name: "Sync now" }).click();
  await expect(row).toContainText("succeeded", { timeout: 30_000 });
  expect(await db.user.count({ where: { email: "nora@corp.example.com", source: "DIRECTORY" } })).toBe(1);

  await page.goto(`/org/${org.slug}/domains`);
  const domainRow = page.getByRole("row", { name: "corp.example.com" });
  await expect(domainRow).toContainText("Microsoft Active Directory");
  await expect(page.getByRole("columnheader", { name: "Kerberos realm" })).toHaveCount(0);
  await page.getByLabel("Kerberos realm").check();
  await expect(domainRow).toContainText("CORP.EXAMPLE.COM");

  // CORP\name routes here once a platform administrator approved the NT name (its own test is in
  // domain-verification.spec.ts); earlier tests may have approved CORP for their organisations.
  await db.domain.updateMany({
    where: { ntDomain: "CORP", organizationId: { not: org.id } },
    data: { ntDomainApprovedAt: null },
  });
  await db.domain.updateMany({
    where: { organizationId: org.id, name: "corp.example.com" },
    data: { ntDomainApprovedAt: new Date() },
  });
  const context = await browser.newContext();
  const user = await context.newPage();
  await uiLogin(user, "CORP\\nora", "Nora-Passw0rd!");
  await expect(user).toHaveURL(/\/home$/);
  await expect(user.getByRole("heading", { name: /Welcome, Nora/ })).toBeVisible();
  await context.close();
});
