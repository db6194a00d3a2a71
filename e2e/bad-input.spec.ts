import http from "node:http";
import { expect, test } from "@playwright/test";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, uid } from "../test/factories";
import { apiLogin } from "./helpers/auth";

// Bad input never gives an error page or a 500 (issue 13, item 9): each case below once.

const NOT_A_UUID = "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz";

test("impossible log dates show the filter error; the export refuses them with a 400", async ({ page }) => {
  const org = await makeOrg("badlogs");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  await apiLogin(page, admin.email, PASSWORD);

  const impossible = await page.goto(`/org/${org.slug}/logs?from=2026-99-99`);
  expect(impossible?.status()).toBe(200);
  const filters = page.getByRole("form", { name: "Filter logs" });
  await expect(filters.getByRole("alert")).toContainText("“From” is not a date");

  await page.goto(`/org/${org.slug}/logs?from=2026-03-02&to=2026-03-01`);
  await expect(filters.getByRole("alert")).toContainText("“To” is before “From”");

  await page.goto(`/org/${org.slug}/logs?from=%00&level=%00`);
  await expect(filters.getByRole("alert")).toContainText("“From” is not a date");

  const exported = await page.request.get(`/org/${org.slug}/logs/export?from=2026-99-99`);
  expect(exported.status()).toBe(400);
  expect(await exported.text()).toContain("“From” is not a date");
  const reversed = await page.request.get(`/org/${org.slug}/logs/export?from=2026-03-02&to=2026-03-01`);
  expect(reversed.status()).toBe(400);
});

test("a NUL in a search is no error", async ({ page }) => {
  const org = await makeOrg("badsearch");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"], platformAdmin: true });
  await apiLogin(page, admin.email, PASSWORD);
  for (const path of [
    `/org/${org.slug}/users?q=%00`,
    `/org/${org.slug}/users?q=a%00b&q=c`,
    "/admin/users?q=%00",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
});

test("36-character ids that are not UUIDs are not found", async ({ page }) => {
  const org = await makeOrg("badids");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  await apiLogin(page, admin.email, PASSWORD);
  for (const path of [
    `/org/${org.slug}/users/${NOT_A_UUID}`,
    `/org/${org.slug}/users/${"-".repeat(36)}`,
    `/org/${org.slug}/domains/${NOT_A_UUID}`,
  ]) {
    // The organisation's loading.tsx streams the page, so Next has sent its 200 before notFound() runs: the
    // not-found page is what the person gets, never the error page.
    const response = await page.goto(path);
    expect([200, 404], path).toContain(response?.status());
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("This page could not be shown")).toHaveCount(0);
  }
  const file = await page.request.get(`/api/files/${NOT_A_UUID}`);
  expect(file.status()).toBe(404);
  expect(await file.json()).toEqual({ error: "File not found." });
});

test("server-action bodies that are not JSON answer 400, too large ones 413", async ({ request }) => {
  const action = { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" };
  const garbled = await request.post("/login", { headers: action, data: "{not json" });
  expect(garbled.status()).toBe(400);
  expect(await garbled.text()).toBe("The request could not be read.");
  const large = await request.post("/login", {
    headers: action,
    data: `["${"x".repeat(1024 * 1024 + 10)}"]`,
  });
  expect(large.status()).toBe(413);
  expect(await large.text()).toBe("The request is too large.");
});

test("an admin action on a plan deleted meanwhile says it is not found", async ({ page }) => {
  const admin = await makeUser({ platformAdmin: true });
  const name = `Gone ${uid()}`;
  const plan = await db.plan.create({ data: { name, storageQuotaBytes: 1024n ** 3n }, select: { id: true } });
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto("/admin/plans");
  await page.getByRole("row", { name }).getByRole("button", { name: "Edit" }).click();
  await db.plan.delete({ where: { id: plan.id } });
  const dialog = page.getByRole("dialog", { name: `Edit plan ${name}` });
  await dialog.getByLabel("Storage quota (GB)").fill("0");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Enter a quota above zero.")).toBeVisible();
  await dialog.getByLabel("Storage quota (GB)").fill("2");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Plan not found.")).toBeVisible();
});

test("a callbackUrl to another site lands on /home; one of the console is followed", async ({ page }) => {
  const member = await makeUser({ org: await makeOrg("redirect") });
  for (const [callbackUrl, expected] of [
    ["//evil.example/x", /\/home$/],
    ["/\\evil.example", /\/home$/],
    ["/files", /\/files$/],
  ] as const) {
    await page.context().clearCookies();
    await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel("Email or account name").fill(member.email.toUpperCase());
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(expected);
  }
});

test("signing out ends the person's session in another browser", async ({ page, browser }) => {
  const member = await makeUser({ org: await makeOrg("signout") });
  await apiLogin(page, member.email, PASSWORD);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await apiLogin(otherPage, member.email, PASSWORD);
  await otherPage.goto("/home");
  await expect(otherPage).toHaveURL(/\/home$/);
  await page.goto("/home");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await otherPage.goto("/home");
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();
});

/** One HTTP exchange from a chosen loopback source address (Playwright's request context cannot pick one). */
function fromAddress(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const request = http.request(
        url,
        { method: init.method ?? "GET", headers: init.headers, localAddress },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      request.on("error", reject);
      request.end(init.body);
    },
  );
}

async function signInFrom(
  baseURL: string,
  localAddress: string,
  login: string,
  password: string,
  forwardedFor: string,
) {
  const csrf = await fromAddress(localAddress, `${baseURL}/api/auth/csrf`);
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const response = await fromAddress(localAddress, `${baseURL}/api/auth/callback/credentials`, {
    method: "POST",
    headers: {
      cookie,
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": forwardedFor,
      "x-real-ip": forwardedFor,
    },
    body: new URLSearchParams({ csrfToken, login, password, json: "true" }).toString(),
  });
  const location = response.headers.location ?? (JSON.parse(response.body) as { url: string }).url;
  return new URL(location).searchParams.get("error");
}

test("failures from one address lock the account there only; X-Forwarded-For is not believed", async ({
  baseURL,
}) => {
  const user = await makeUser();
  const attempt = (source: string, password: string, forwardedFor: string) =>
    signInFrom(baseURL!, source, user.email, password, forwardedFor);
  for (let i = 0; i < 5; i++)
    expect(await attempt("127.0.0.3", `wrong-${i}`, `203.0.113.${i}`)).toBe("CredentialsSignin");
  // A new X-Forwarded-For is the same address to the console: still locked.
  expect(await attempt("127.0.0.3", PASSWORD, "203.0.113.99")).toMatch(/^locked:\d+$/);
  // The person, from another address, signs in.
  expect(await attempt("127.0.0.4", PASSWORD, "203.0.113.0")).toBeNull();
});
