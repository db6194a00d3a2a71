// What the console keeps in next-auth's session and token (lib/auth/options.ts): the user id, when the
// session was issued, and the session version it was issued at
// (a password or role change raises the stored one).
import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    uid?: string;
    issuedAt?: number;
    sessionVersion?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    sessionVersion?: number;
  }
}
