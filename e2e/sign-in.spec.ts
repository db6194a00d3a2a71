import { expect, test } from "@playwright/test";
import { makeOrg, makeUser, PASSWORD } from "../test/factories";
import { uiLogin } from "./helpers/auth";

test("a member signs in, sees their home page and signs out", async ({ page }) => {
  const org = await makeOrg("acme");
  const member = await makeUser({ org, roles: ["ORIGINATOR"], name: "Mina Member" });
  await uiLogin(page, member.email, PASSWORD);
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByRole("heading", { name: "Welcome, Mina Member" })).toBeVisible();
  await expect(page.getByText(org.name)).toBeVisible();
  await expect(page.getByText("Originator")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/home");
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password and an unknown account both say only 'Invalid credentials'", async ({ page }) => {
  const user = await makeUser();
  await uiLogin(page, user.email, "not-the-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
  await uiLogin(page, "nobody-at-all@e2e.example", "not-the-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
  await expect(page).toHaveURL(/\/login/);
});

test("an empty password is refused on the form", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email or account name").fill("someone@e2e.example");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your password.")).toBeVisible();
});

test("repeated failures lock the account for a while, even with the right password", async ({ page }) => {
  const user = await makeUser();
  for (let i = 0; i < 5; i++) {
    await uiLogin(page, user.email, `wrong-${i}`);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
  }
  await uiLogin(page, user.email, PASSWORD);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Too many failed sign-ins");
  await expect(page).toHaveURL(/\/login/);
});

test("the built-in administrator signs in with ADMIN_EMAIL / ADMIN_PASSWORD", async ({ page }) => {
  await uiLogin(page, process.env.ADMIN_EMAIL!, process.env.ADMIN_PASSWORD!);
  await expect(page).toHaveURL(/\/admin\/organisations$/);
  await expect(page.getByRole("heading", { name: "Organisations" })).toBeVisible();
});

test("an organisation administrator and a platform administrator land on their pages", async ({ page }) => {
  const org = await makeOrg("land");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  await uiLogin(page, admin.email, PASSWORD);
  await expect(page).toHaveURL(new RegExp(`/org/${org.slug}/users$`));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  const platform = await makeUser({ platformAdmin: true });
  await uiLogin(page, platform.email, PASSWORD);
  await expect(page).toHaveURL(/\/admin\/organisations$/);
});

test("a member changes their own password and signs in with the new one", async ({ page }) => {
  const user = await makeUser();
  await uiLogin(page, user.email, PASSWORD);
  await expect(page).toHaveURL(/\/home$/);
  await page.goto("/account");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill("A-new-password-2026");
  await page.getByLabel("Confirm new password").fill("A-new-password-2026");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login/);
  await uiLogin(page, user.email, PASSWORD);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
  await uiLogin(page, user.email, "A-new-password-2026");
  await expect(page).toHaveURL(/\/home$/);
});
