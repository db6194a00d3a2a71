// A real SMTP server on 127.0.0.1 (the smtp-server package) that keeps what it receives, for the tests of the
// e-mails the console sends (SMTP_URL).
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { freePort } from "./ldap/net";

export type Mailbox = {
  url: string;
  port: number;
  received: { to: string[]; mail: ParsedMail }[];
  close: () => Promise<void>;
};

export async function startMailbox(port?: number): Promise<Mailbox> {
  const received: Mailbox["received"] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream).then((mail) => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
        done();
      }, done);
    },
  });
  const chosen = port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(chosen, "127.0.0.1", resolve);
  });
  return {
    url: `smtp://127.0.0.1:${chosen}`,
    port: chosen,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
