import "server-only";
import nodemailer, { type Transporter } from "nodemailer";

// Outgoing e-mail, only when SMTP_URL is set (e.g. smtp://user:pass@mail.example.com:587, smtps://… for
// implicit TLS). Without it the console works the same and says so where an e-mail would have gone.
export function mailConfigured(): boolean {
  return Boolean(process.env.SMTP_URL);
}

let transport: { url: string; transporter: Transporter } | undefined;

function transporter(): Transporter {
  const url = process.env.SMTP_URL!;
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

export type Mail = { to: string | string[]; subject: string; text: string };

/**
 * Sends one message; throws when the server refuses it or cannot be reached (callers decide what that means).
 */
export async function sendMail(mail: Mail): Promise<void> {
  if (!mailConfigured()) throw new Error("SMTP_URL is not set.");
  await transporter().sendMail({
    from: process.env.SMTP_FROM ?? "Directory Console <no-reply@localhost>",
    ...mail,
  });
}

/** The console's public address, for links in e-mails. */
export function publicUrl(path: string): string {
  const base = (process.env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  return `${base}${path}`;
}
