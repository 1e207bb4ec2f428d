// A real SMTP server on loopback (the smtp-server package) that keeps every message it accepts,
// parsed. The e-mail channel is tested against it, not against a mocked transport.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  mails: ParsedMail[];
  /** Mailboxes the server refuses for good (550). */
  refuse: Set<string>;
  /** Addresses each accepted message was sent to (envelope). */
  envelopes: string[][];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (refuse.has(address.address.toLowerCase())) return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m);
          envelopes.push(session.envelope.rcptTo.map((r) => r.address));
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse,
    envelopes,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
