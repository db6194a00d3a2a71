import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { routeId, runAction } from "@/lib/action";
import { ForbiddenError } from "@/lib/errors";
import { forAnonymousCaller, UNREACHABLE_MESSAGE } from "@/lib/directory/test-connection";

const schema = z.object({ name: z.string().min(1, "Enter a name.") });

describe("runAction", () => {
  it("authorizes before it parses: an unauthorised caller learns nothing from validation", async () => {
    const parse = vi.spyOn(schema, "safeParse");
    const fn = vi.fn();
    const result = await runAction(
      async () => {
        throw new ForbiddenError();
      },
      schema,
      { name: "" },
      fn,
    );
    expect(result).toEqual({ ok: false, error: "You do not have permission to do that." });
    expect(parse).not.toHaveBeenCalled();
    expect(fn).not.toHaveBeenCalled();
  });

  it("answers a tampered route id with not found, without logging a stack", async () => {
    const log = vi.spyOn(console, "error");
    const result = await runAction(
      async () => routeId("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "Domain not found."),
      schema,
      { name: "x" },
      async () => "never",
    );
    expect(result).toEqual({ ok: false, error: "Domain not found." });
    expect(log).not.toHaveBeenCalled();
  });

  it("answers a row that is gone (P2025) with not found", async () => {
    const result = await runAction(
      async () => null,
      schema,
      { name: "x" },
      async () => {
        throw Object.assign(new Error("No record was found for an update."), { code: "P2025" });
      },
    );
    expect(result).toEqual({ ok: false, error: "Not found: it may have been deleted meanwhile." });
  });

  it("validates after authorizing and passes the context on", async () => {
    expect(
      await runAction(
        async () => 7,
        schema,
        { name: "" },
        async () => 0,
      ),
    ).toMatchObject({
      ok: false,
      fieldErrors: { name: "Enter a name." },
    });
    expect(
      await runAction(
        async () => 7,
        schema,
        { name: "a" },
        async (n, { name }) => `${n}${name}`,
      ),
    ).toEqual({ ok: true, data: "7a" });
  });
});

describe("the anonymous connect link's test", () => {
  it("reads the same for every failure to connect, and keeps LDAP answers", () => {
    for (const kind of ["connection-refused", "timeout", "connection-lost", "tls", "name-not-resolved"])
      expect(
        forAnonymousCaller({ ok: false, kind, message: `detail of ${kind}`, step: "connect", hints: [] }),
      ).toEqual({ ok: false, kind: "unreachable", message: UNREACHABLE_MESSAGE, step: "connect", hints: [] });
    const bind = {
      ok: false as const,
      kind: "invalid-credentials",
      message: "m",
      step: "bind" as const,
      hints: [],
    };
    expect(forAnonymousCaller(bind)).toBe(bind);
  });
});
