import { describe, expect, it } from "vitest";
import { fileNameField } from "@/lib/files/schema";

describe("file names", () => {
  it.each([
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
  ])("refuses the text-direction control U+%s", (control) => {
    const result = fileNameField.safeParse(`invoice${control}fdp.exe`);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe(
      "A file name cannot contain text-direction control characters.",
    );
  });

  it("accepts right-to-left text itself", () => {
    expect(fileNameField.safeParse("חשבונית.pdf").success).toBe(true);
  });
});
