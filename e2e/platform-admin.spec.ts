import { expect, test } from "./fixtures";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, uid } from "../test/factories";
import { apiLogin } from "./helpers/auth";

test("a platform administrator creates and renames an organisation", async ({ page, platformAdmin }) => {
  await apiLogin(page, platformAdmin.email, platformAdmin.password);
  await page.goto("/admin/organisations");
  await page.getByRole("button", { name: "Create organisation" }).click();
  const dialog = page.getByRole("dialog", { name: "Create organisation" });
  const slug = `initech-${uid()}`;
  await dialog.getByLabel("Name", { exact: true }).fill("Initech");
  await dialog.getByLabel("Short name").fill("Not A Slug");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(
    dialog.getByText("Use lower-case letters, digits and dashes, starting with a letter or digit."),
  ).toBeVisible();
  await dialog.getByLabel("Short name").fill(slug);
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row", { name: "Initech" }).filter({ hasText: slug });
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Initech" });
  await edit.getByLabel("Name", { exact: true }).fill("Initech Global");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: "Initech Global" })).toContainText(slug);
});

test("plans: exactly one is the default", async ({ page, platformAdmin }) => {
  await apiLogin(page, platformAdmin.email, platformAdmin.password);
  await page.goto("/admin/plans");
  const name = `Gold ${uid()}`;
  await page.getByRole("button", { name: "Create plan" }).click();
  const dialog = page.getByRole("dialog", { name: "Create plan" });
  await dialog.getByLabel("Plan name").fill(name);
  await dialog.getByLabel("Storage quota (GB)").fill("250");
  await dialog.getByRole("button", { name: "Save" }).click();
  const row = page.getByRole("row", { name });
  await expect(row).toContainText("250 GB");
  await row.getByRole("button", { name: "Make default" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Make default" }).click();
  await expect(row).toContainText("Default");
  await expect(page.getByRole("row").filter({ has: page.getByText("Default", { exact: true }) })).toHaveCount(
    1,
  );
  expect(await db.plan.count({ where: { isDefault: true } })).toBe(1);
});

test("a platform administrator grants and revokes the org-administrator role, confirmed and audited", async ({
  page,
  browser,
}) => {
  const admin = await makeUser({ platformAdmin: true });
  const org = await makeOrg("grant");
  const target = await makeUser({ org, roles: ["ORIGINATOR"], name: "Gina Granted" });
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/admin/users?q=${encodeURIComponent(target.email)}`);
  const row = page.getByRole("row", { name: target.email });
  await row.getByRole("button", { name: "Manage roles" }).click();
  const dialog = page.getByRole("dialog", { name: `Roles of ${target.email}` });
  await dialog.getByRole("listitem", { name: org.name }).getByRole("button", { name: "Grant" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(`Make ${target.email} an administrator of ${org.name}?`);
  await confirm.getByRole("button", { name: "Grant role" }).click();
  await expect(row).toContainText(org.name);

  // The role works: the user can now open the organisation's users page.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await apiLogin(otherPage, target.email, PASSWORD);
  expect((await otherPage.goto(`/org/${org.slug}/users`))?.status()).toBe(200);

  await row.getByRole("button", { name: "Manage roles" }).click();
  await dialog.getByRole("listitem", { name: org.name }).getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke role" }).click();
  await expect(row).not.toContainText(org.name);
  // A role change ends the person's other sessions: the page sends them to sign in again.
  await otherPage.goto(`/org/${org.slug}/users`);
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  await page.goto("/admin/audit");
  await expect(
    page
      .getByRole("row")
      .filter({ hasText: "role.grant-org-admin" })
      .filter({ hasText: target.email })
      .first(),
  ).toBeVisible();
  await expect(
    page
      .getByRole("row")
      .filter({ hasText: "role.revoke-org-admin" })
      .filter({ hasText: target.email })
      .first(),
  ).toBeVisible();
});

test("the platform-administrator role is granted and revoked; revoked, access ends at once", async ({
  page,
  browser,
}) => {
  const admin = await makeUser({ platformAdmin: true });
  const target = await makeUser({ name: "Pete Promoted" });
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/admin/users?q=${encodeURIComponent(target.email)}`);
  const row = page.getByRole("row", { name: target.email });
  await row.getByRole("button", { name: "Manage roles" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Grant" }).first().click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Grant role" }).click();
  await expect(row).toContainText("Platform administrator");

  const context = await browser.newContext();
  const targetPage = await context.newPage();
  await apiLogin(targetPage, target.email, PASSWORD);
  expect((await targetPage.goto("/admin/organisations"))?.status()).toBe(200);

  await row.getByRole("button", { name: "Manage roles" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).first().click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke role" }).click();
  await expect(row).not.toContainText("Platform administrator");
  await targetPage.goto("/admin/organisations");
  await expect(targetPage).toHaveURL(/\/login/);
  await context.close();
});
