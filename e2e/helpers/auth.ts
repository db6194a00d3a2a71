import { expect, type Page } from "@playwright/test";

/**
 * Signs in through next-auth's own endpoints (csrf, then the credentials callback), as cal.com's apiLogin
 * does.
 */
export async function apiLogin(page: Page, login: string, password: string) {
  const csrf = await (await page.request.get("/api/auth/csrf")).json();
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, login, password, json: "true" },
  });
  expect(response.ok()).toBe(true);
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);
}

export async function uiLogin(page: Page, login: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email or account name").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
