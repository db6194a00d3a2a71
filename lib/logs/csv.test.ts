import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "@/lib/logs/csv";

describe("csvCell", () => {
  it.each(['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])(
    "neutralises the formula %j with a leading quote",
    (value) => {
      expect(csvCell(value).replace(/^"/, "")).toMatch(/^'/);
    },
  );

  it("quotes what needs quoting and leaves plain text alone", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvRow(["2026-01-01T00:00:00.000Z", "=1+1", "x"])).toBe("2026-01-01T00:00:00.000Z,'=1+1,x");
  });
});
