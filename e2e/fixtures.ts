// Playwright fixtures on the shared factories (test/factories.ts), as cal.com's are: each test that asks
// for `org` gets an organisation of its own, `orgAdmin` and `member` users in it, and `signedInPage` a page
// signed in as the organisation administrator through next-auth's own endpoints.
import { test as base, type Page } from "@playwright/test";
import { makeOrg, makeUser, type TestOrg, type TestUser } from "../test/factories";
import { apiLogin } from "./helpers/auth";

type Fixtures = {
  org: TestOrg;
  orgAdmin: TestUser;
  member: TestUser;
  platformAdmin: TestUser;
  signedInPage: Page;
};

// The second parameter is Playwright's `use`, named `provide` so that React's lint rules do not take it
// for React's `use` hook.
export const test = base.extend<Fixtures>({
  org: async ({}, provide) => provide(await makeOrg("e2e")),
  orgAdmin: async ({ org }, provide) =>
    provide(await makeUser({ org, roles: ["ORG_ADMIN"], emailPrefix: "admin" })),
  member: async ({ org }, provide) =>
    provide(await makeUser({ org, roles: ["ORIGINATOR"], emailPrefix: "member" })),
  platformAdmin: async ({}, provide) =>
    provide(await makeUser({ platformAdmin: true, emailPrefix: "platform" })),
  signedInPage: async ({ page, orgAdmin }, provide) => {
    await apiLogin(page, orgAdmin.email, orgAdmin.password);
    await provide(page);
  },
});

export { expect } from "@playwright/test";
