import { describe, expect, it } from "vitest";
import { safeRedirectPath, safeRedirectUrl } from "@/lib/auth/redirect";

describe("safeRedirectPath", () => {
  it("keeps paths of the console", () => {
    expect(safeRedirectPath("/x")).toBe("/x");
    expect(safeRedirectPath("/org/a/users?page=2#top")).toBe("/org/a/users?page=2#top");
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/.//evil.example",
    "",
    "x",
  ])("sends %j to /home", (value) => {
    expect(safeRedirectPath(value)).toBe("/home");
  });
});

describe("safeRedirectUrl (next-auth's redirect callback)", () => {
  const base = "http://127.0.0.1:3000";
  it("accepts relative paths and the console's own URLs only", () => {
    expect(safeRedirectUrl("/files", base)).toBe(`${base}/files`);
    expect(safeRedirectUrl(`${base}/login`, base)).toBe(`${base}/login`);
    expect(safeRedirectUrl("https://evil.example/login", base)).toBe(`${base}/home`);
    expect(safeRedirectUrl("//evil.example", base)).toBe(`${base}/home`);
  });
});
