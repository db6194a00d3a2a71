import { expect, test } from "@playwright/test";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, verifyDomain } from "../test/factories";
import { apiLogin } from "./helpers/auth";
import { startSlapd, type Slapd } from "../test/ldap/slapd";
import { execFileSync } from "node:child_process";

let slapd: Slapd;
test.beforeAll(async () => {
  slapd = await startSlapd({
    users: Array.from({ length: 15000 }, (_, i) => ({
      uid: `u${i}`,
      cn: `User ${i}`,
      mail: `u${i}@example.com`,
    })),
  });
});
test.afterAll(async () => slapd?.stop());

async function setup(page: import("@playwright/test").Page) {
  const org = await makeOrg("sync");
  await verifyDomain(org, "example.com");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/org/${org.slug}/ldap`);
  await page.getByRole("button", { name: "Add LDAP Connection" }).click();
  const dialog = page.getByRole("dialog", { name: "Add LDAP connection" });
  await dialog.getByLabel("Directory type").selectOption({ label: "OpenLDAP" });
  const values: Record<string, string> = {
    "Connection name": "Big directory",
    "Server URL": slapd.url,
    "Server Timeout": "10000",
    "Manager DN": slapd.managerDn,
    "Manager password": slapd.managerPassword,
    "Base DN": `ou=people,${slapd.baseDn}`,
    Domain: "example.com",
  };
  for (const [label, value] of Object.entries(values))
    await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  return org;
}

// Preview names what would change; a held run waits for confirmation.
test("Sync now shows a live progress bar, then the run in the history", async ({ page }) => {
  test.setTimeout(180_000);
  const org = await setup(page);
  const row = page.getByRole("listitem", { name: "Big directory" });

  await row.getByRole("button", { name: "Sync now" }).click();
  const bar = row.getByRole("progressbar", { name: "Synchronisation progress" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("aria-valuetext", /\d+ entries read/);
  await expect(row.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 120_000 });
  await expect(row).toContainText("15000 read, 15000 created");
  expect(await db.user.count({ where: { connection: { organizationId: org.id } } })).toBe(15000);

  await row.getByRole("button", { name: "History" }).click();
  const history = page.getByRole("dialog", { name: "Sync history of Big directory" });
  await expect(history.getByRole("row")).toHaveCount(2);
  await expect(history).toContainText("Succeeded");
  await expect(history).toContainText("manual");
  await page.keyboard.press("Escape");

  // Take 2,000 people out of the directory: preview names them, a real run holds.
  execFileSync("ldapdelete", [
    "-x",
    "-H",
    slapd.url,
    "-D",
    slapd.managerDn,
    "-w",
    slapd.managerPassword,
    ...Array.from({ length: 2000 }, (_, i) => slapd.userDn(`u${i}`)),
  ]);
  await row.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("dialog", { name: "Preview of Big directory" });
  await expect(preview).toContainText("This would disable 2000 users and create 0");
  await expect(preview).toContainText("u0@example.com");
  await expect(preview).toContainText("Nothing has been written");
  await page.keyboard.press("Escape");
  expect(await db.user.count({ where: { connection: { organizationId: org.id }, status: "DISABLED" } })).toBe(
    0,
  );

  await row.getByRole("button", { name: "Sync now" }).click();
  await expect(row).toContainText("waiting for confirmation", { timeout: 60_000 });
  expect(await db.user.count({ where: { connection: { organizationId: org.id }, status: "DISABLED" } })).toBe(
    0,
  );
  await row.getByRole("button", { name: "History" }).click();
  await expect(history).toContainText("would disable 2000 of 15000 users");
  await history.getByRole("button", { name: "Review and confirm" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Confirm and synchronise" }).click();
  await expect(row).toContainText("2000 disabled", { timeout: 60_000 });
  expect(await db.user.count({ where: { connection: { organizationId: org.id }, status: "DISABLED" } })).toBe(
    2000,
  );

  // A user's page shows the decisions about them.
  const u0 = await db.user.findUniqueOrThrow({ where: { email: "u0@example.com" } });
  await page.goto(`/org/${org.slug}/users/${u0.id}`);
  const timeline = page.getByRole("list", { name: "Synchronisation timeline" });
  await expect(timeline).toContainText("Created from the directory");
  await expect(timeline).toContainText("Disabled");
  await expect(timeline).toContainText("no longer in the directory");
});
