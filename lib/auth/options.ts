import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authenticate } from "@/lib/auth/sign-in";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";

export const SESSION_MAX_AGE_SECONDS = Number(process.env.SESSION_MAX_AGE_HOURS ?? 8) * 3600;

function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  const real = headers?.["x-real-ip"];
  return first || (Array.isArray(real) ? real[0] : real) || "unknown";
}

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Credentials",
      credentials: {
        login: { label: "Email or account name", type: "text" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        try {
          const headers = req?.headers as Record<string, string | undefined> | undefined;
          const host = headers?.["x-forwarded-host"] ?? headers?.host;
          const id = await authenticate(
            String(credentials?.login ?? ""),
            String(credentials?.password ?? ""),
            clientAddress(req?.headers),
            host,
          );
          return id ? { id } : null;
        } catch (error) {
          if (error instanceof TooManyAttemptsError) throw new Error(`locked:${error.retryAfterSeconds}`);
          console.error("sign-in failed", error);
          return null;
        }
      },
    }),
  ],
  callbacks: {
    // The token holds only the user id; roles and status are read from the database on every request, so a
    // revoked role or a disabled account takes effect at once.
    async jwt({ token, user }) {
      if (user) token.uid = user.id;
      return token;
    },
    async session({ session, token }) {
      return { ...session, uid: token.uid, issuedAt: typeof token.iat === "number" ? token.iat : undefined };
    },
  },
};
