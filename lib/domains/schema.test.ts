import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { advancedSchema, isIpAddress } from "@/lib/domains/schema";

const advanced = { kerberosRealm: "", pamServiceName: "", ntDomain: "" };

describe("bind address", () => {
  it.each([":::::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":1::", "1:2", "g::1", "::1.2.3"])(
    "refuses %j",
    (value) => {
      expect(isIpAddress(value)).toBe(false);
      expect(advancedSchema.safeParse({ ...advanced, bindIpAddress: value }).success).toBe(false);
    },
  );

  it.each([
    "::",
    "::1",
    "fe80::1",
    "2001:db8::8a2e:370:7334",
    "1:2:3:4:5:6:7:8",
    "::ffff:192.0.2.1",
    "10.0.0.5",
  ])("accepts %j, as node's net.isIP does", (value) => {
    expect(isIP(value)).not.toBe(0);
    expect(isIpAddress(value)).toBe(true);
  });
});
