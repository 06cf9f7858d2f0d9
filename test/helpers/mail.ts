import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server inside the test run (the smtp-server package): the site sends to it over
 * TCP through nodemailer, exactly as to a mail provider, and each message it receives is parsed
 * (mailparser) for the tests to read. No mock transport anywhere.
 */
export interface MailBox {
  /** SMTP_URL for a test app's config. */
  url: string;
  /** Every message received, oldest first. */
  messages: ParsedMail[];
  /** Waits for the first message to `to` (case-insensitive) matching `test`, received since `since` (an index into messages). */
  waitFor(to: string, test?: (mail: ParsedMail) => boolean, options?: { timeoutMs?: number; since?: number }): Promise<ParsedMail>;
  /** Messages to `to` received so far. */
  to(address: string): ParsedMail[];
  /** While set, the server refuses every message with a temporary error (451), as a failing provider does. */
  refusing: boolean;
  stop(): Promise<void>;
}

export const MAIL_FROM = 'Tubestead tests <videos@example.test>';

export function recipients(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

export async function startMailBox(): Promise<MailBox> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  const box = { refusing: false } as MailBox;
  const server = new SMTPServer({
    // A login in SMTP_URL is taken, whatever it is, as a provider's would be (over plain TCP: tests only).
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (box.refusing) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          for (const wake of waiters) wake();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const matches = (mail: ParsedMail, to: string) => recipients(mail).includes(to.toLowerCase());
  return Object.assign(box, {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address: string) => messages.filter((m) => matches(m, address)),
    waitFor(to: string, test: (mail: ParsedMail) => boolean = () => true, options: { timeoutMs?: number; since?: number } = {}) {
      const since = options.since ?? 0;
      const find = () => messages.slice(since).find((m) => matches(m, to) && test(m));
      return new Promise<ParsedMail>((resolve, reject) => {
        const found = find();
        if (found) return resolve(found);
        const wake = () => {
          const mail = find();
          if (!mail) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no mail to ${to} within ${options.timeoutMs ?? 15_000} ms (received: ${messages.map((m) => `${recipients(m).join(',')}: ${m.subject}`).join('; ') || 'none'})`));
        }, options.timeoutMs ?? 15_000);
        waiters.add(wake);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** The first link in a mail's text part whose path starts with `pathPrefix`. */
export function linkIn(mail: ParsedMail, pathPrefix: string): URL {
  for (const match of (mail.text ?? '').matchAll(/https?:\/\/\S+/g)) {
    const url = new URL(match[0]);
    if (url.pathname.startsWith(pathPrefix)) return url;
  }
  throw new Error(`no link to ${pathPrefix} in the mail "${mail.subject}":\n${mail.text}`);
}

/**
 * For a describe block: a mail box for the block, and the env that points a test app at it
 * (SMTP_URL, MAIL_FROM, and no batching wait).
 */
export function useMailBox(): { box: MailBox; env: Record<string, string> } {
  const holder = { box: null as unknown as MailBox, env: {} as Record<string, string> };
  before(async () => {
    holder.box = await startMailBox();
    Object.assign(holder.env, { SMTP_URL: holder.box.url, MAIL_FROM, MAIL_BATCH_SECONDS: '0' });
  });
  after(async () => {
    await holder.box?.stop();
  });
  return holder;
}

/** A header's raw value as sent (mailparser folds List-* headers into one object; this reads the line). */
export function headerValue(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim();
}
