import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { authenticate, PasswordExpiredError } from "@/lib/auth/sign-in";
import { PASSWORD_EXPIRED_CODE } from "@/lib/auth/login-schema";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { clientAddress } from "@/lib/auth/client-address";
import { safeRedirectUrl } from "@/lib/auth/redirect";
import { endSessions } from "@/lib/auth/session-version";

export const SESSION_MAX_AGE_SECONDS = Number(process.env.SESSION_MAX_AGE_HOURS ?? 8) * 3600;

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
      // next-auth passes the request's headers (no socket): clientAddress explains where the address is from.
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
          if (error instanceof PasswordExpiredError) throw new Error(PASSWORD_EXPIRED_CODE);
          console.error("sign-in failed", error);
          return null;
        }
      },
    }),
  ],
  callbacks: {
    // The token holds the user id and the session version it was issued at; roles and status are read from
    // the database on every request, and a raised version (sign-out, password or role change) ends it.
    async jwt({ token, user }) {
      if (user) {
        const row = await db.user.findUnique({ where: { id: user.id }, select: { sessionVersion: true } });
        token.uid = user.id;
        token.sessionVersion = row?.sessionVersion;
      }
      return token;
    },
    async session({ session, token }) {
      return {
        ...session,
        uid: token.uid,
        issuedAt: typeof token.iat === "number" ? token.iat : undefined,
        sessionVersion: token.sessionVersion,
      };
    },
    async redirect({ url, baseUrl }) {
      return safeRedirectUrl(url, baseUrl);
    },
  },
  events: {
    // Signing out ends every session of that person, on every device: the issue's "sign-out ends that
    // person's other sessions", and a stolen copy of this cookie dies with it.
    async signOut({ token }) {
      if (token?.uid) await endSessions(db, token.uid);
    },
  },
};
