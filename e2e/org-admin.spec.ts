import { expect, test } from "./fixtures";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, uid } from "../test/factories";
import { apiLogin } from "./helpers/auth";

// Finding covers search and filters.
test("an organisation administrator creates, finds, disables, enables local accounts, sets roles", async ({
  signedInPage: page,
  org,
}) => {
  const dora = await makeUser({ org, source: "DIRECTORY", name: "Dora Directory" });
  await page.goto(`/org/${org.slug}/users`);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();

  // Validation messages on their fields, from the shared schema.
  await page.getByRole("button", { name: "Create local account" }).click();
  const dialog = page.getByRole("dialog", { name: "Create local account" });
  await dialog.getByLabel("Email").fill("not-an-email");
  await dialog.getByLabel("Account name").fill("jürgen");
  await dialog.getByLabel("Initial password").fill("short");
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog.getByText("Enter a valid email address.")).toBeVisible();
  await expect(dialog.getByText("Enter the person's name.")).toBeVisible();
  await expect(dialog.getByText("Use ASCII letters, digits, dots, dashes and underscores.")).toBeVisible();
  await expect(dialog.getByText("Use at least 12 characters.")).toBeVisible();

  const email = `Newbie-${uid()}@E2E.example`;
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Full name").fill("Nora Newbie");
  await dialog.getByLabel("Account name").fill("nora");
  await dialog.getByLabel("Initial password").fill("Nora-password-2026");
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row", { name: email.toLowerCase() });
  await expect(row).toContainText("Nora Newbie");
  await expect(row).toContainText("Local");
  await expect(row).toContainText("Originator");

  // The same email, in other letters' case, is refused on the field.
  await page.getByRole("button", { name: "Create local account" }).click();
  await dialog.getByLabel("Email").fill(email.toUpperCase());
  await dialog.getByLabel("Full name").fill("Dup");
  await dialog.getByLabel("Initial password").fill("Nora-password-2026");
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog.getByText("An account with this email already exists.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Search and filters are server-side and kept in the URL.
  await page.getByLabel("Search").fill("nora");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=nora/);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.goto(`/org/${org.slug}/users?source=DIRECTORY`);
  await expect(page.getByRole("row", { name: /@test\.example/ })).toHaveCount(1);
  await expect(page.getByRole("row", { name: dora.email })).toBeVisible();
  await expect(page.getByText("Account managed by directory")).toBeVisible();

  // Disable asks first and says what it disables; enable restores. This organisation owns Nora's account
  // (it lives here only), so both the membership and the account can be switched.
  await page.goto(`/org/${org.slug}/users?q=nora`);
  await row.getByRole("button", { name: "Disable account" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disable account" }).click();
  await expect(row).toContainText("Disabled");
  await row.getByRole("button", { name: "Enable account" }).click();
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Disable here" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disable membership" }).click();
  await expect(row).toContainText("Disabled in this organisation");
  await row.getByRole("button", { name: "Enable here" }).click();
  await expect(row).not.toContainText("Disabled in this organisation");

  await row.getByRole("button", { name: "Roles" }).click();
  const roles = page.getByRole("dialog", { name: /Roles of/ });
  await roles.getByLabel("Originator").uncheck();
  await roles.getByLabel("Collaborator").check();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(row).toContainText("Collaborator");
  await expect(row).not.toContainText("Originator");
});

test("an organisation administrator of one organisation can see and change nothing of another", async ({
  page,
}) => {
  const mine = await makeOrg("mine");
  const theirs = await makeOrg("theirs");
  const admin = await makeUser({ org: mine, roles: ["ORG_ADMIN"] });
  const victim = await makeUser({ org: theirs, name: "Victor Victim" });
  await apiLogin(page, admin.email, PASSWORD);

  // Their pages: 403, and none of their data on it.
  const response = await page.goto(`/org/${theirs.slug}/users`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expect(page.getByText("Victor Victim")).toHaveCount(0);
  expect((await page.goto(`/admin/organisations`))?.status()).toBe(403);

  // Their actions, called directly: the action request for my organisation is rewritten to name theirs.
  const stolenEmail = `stolen-${uid()}@e2e.example`;
  await page.route(`**/org/${mine.slug}/users*`, async (route) => {
    const body = route.request().postData();
    if (route.request().method() === "POST" && body?.includes(`"${mine.slug}"`)) {
      await route.continue({
        postData: body.replaceAll(`"${mine.slug}"`, `"${theirs.slug}"`).replaceAll(admin.id, victim.id),
      });
    } else await route.continue();
  });
  await page.goto(`/org/${mine.slug}/users`);
  await page.getByRole("button", { name: "Create local account" }).click();
  const dialog = page.getByRole("dialog", { name: "Create local account" });
  await dialog.getByLabel("Email").fill(stolenEmail);
  await dialog.getByLabel("Full name").fill("Stolen");
  await dialog.getByLabel("Initial password").fill("Stolen-password-2026");
  await dialog.getByRole("button", { name: "Create account" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("You do not have permission to do that.");
  expect(await db.user.count({ where: { email: stolenEmail } })).toBe(0);

  // Setting roles of their user through my page's action (my user id rewritten to theirs) is refused too.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("row", { name: admin.email }).getByRole("button", { name: "Roles" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Save roles" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toHaveText(
    "You do not have permission to do that.",
  );
  const victimRoles = await db.membership.findFirstOrThrow({
    where: { userId: victim.id },
    select: { roles: true },
  });
  expect(victimRoles.roles).toEqual(["ORIGINATOR"]);
});

test("a member cannot open administration pages", async ({ page, org, member }) => {
  await apiLogin(page, member.email, member.password);
  expect((await page.goto(`/org/${org.slug}/users`))?.status()).toBe(403);
  expect((await page.goto(`/admin/users`))?.status()).toBe(403);
  expect((await page.goto(`/org/does-not-exist-${org.slug}/users`))?.status()).toBe(404);
});

test("without a session, pages redirect to sign-in", async ({ page }) => {
  await page.goto("/admin/organisations");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Forganisations/);
});
