import "server-only";

// Server code's entry to the crypto core (lib/crypto-core.ts): importing it from a client component fails
// the build, so no key handling can reach a browser bundle.
export { decryptSecret, encryptSecret, hashLinkToken, newLinkToken } from "@/lib/crypto-core";
