import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddress, trustedProxies } from "@/lib/auth/client-address";

const spoofed = {
  "x-forwarded-for": "6.6.6.6, 10.0.0.1, 192.0.2.7",
  "x-real-ip": "6.6.6.6",
  [CLIENT_ADDRESS_HEADER]: "198.51.100.9",
};

describe("clientAddress", () => {
  it("with no trusted proxy, ignores X-Forwarded-For and X-Real-IP and takes the TCP peer", () => {
    expect(clientAddress(spoofed, 0, true)).toBe("198.51.100.9");
    expect(clientAddress({ ...spoofed, [CLIENT_ADDRESS_HEADER]: "::ffff:127.0.0.1" }, 0, true)).toBe(
      "127.0.0.1",
    );
  });

  it("never believes a peer header the console's server did not set", () => {
    expect(clientAddress(spoofed, 0, false)).toBe("unknown");
  });

  it("with N trusted proxies, takes the Nth address from the right", () => {
    expect(clientAddress(spoofed, 1, true)).toBe("192.0.2.7");
    expect(clientAddress(spoofed, 2, true)).toBe("10.0.0.1");
    // Fewer hops than proxies: the farthest one there is.
    expect(clientAddress({ "x-forwarded-for": "192.0.2.7" }, 2, true)).toBe("192.0.2.7");
    expect(clientAddress({}, 1, true)).toBe("unknown");
    expect(clientAddress({ "x-forwarded-for": "not-an-address" }, 1, true)).toBe("unknown");
  });

  it("reads TRUSTED_PROXIES as a small whole number, 0 otherwise", () => {
    expect(trustedProxies(undefined)).toBe(0);
    expect(trustedProxies("2")).toBe(2);
    expect(trustedProxies("-1")).toBe(0);
    expect(trustedProxies("x")).toBe(0);
  });
});
