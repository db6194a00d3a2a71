import { describe, expect, it } from "vitest";
import { parseFilterDate, parseLogQuery } from "@/lib/logs/filter";

describe("log filters", () => {
  it("refuses impossible dates instead of passing them to the database", () => {
    expect(parseFilterDate("2026-99-99", "start")).toBeNull();
    expect(parseFilterDate("2026-02-30", "start")).toBeNull();
    expect(parseFilterDate("2026-01-01T24:00", "start")).toBeNull();
    expect(parseFilterDate("2026-02-28", "end")?.toISOString()).toBe("2026-02-28T23:59:59.999Z");
    const { query, error } = parseLogQuery({ from: "2026-99-99", level: "ERROR" });
    expect(error).toMatch(/“From” is not a date/);
    expect(query.level).toBe("ERROR");
    expect(query.fromDate).toBeUndefined();
  });

  it("refuses an end before the start", () => {
    const { query, error } = parseLogQuery({ from: "2026-03-02", to: "2026-03-01" });
    expect(error).toMatch(/“To” is before “From”/);
    expect(query.fromDate?.toISOString()).toBe("2026-03-02T00:00:00.000Z");
    expect(query.toDate).toBeUndefined();
  });

  it("ignores filters sent twice or of the wrong kind", () => {
    expect(parseLogQuery({ level: ["ERROR", "INFO"], page: "x", connection: "zz" })).toEqual({
      query: { level: undefined, connection: undefined, page: 1 },
    });
  });
});
