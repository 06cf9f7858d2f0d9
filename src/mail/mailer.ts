import nodemailer from 'nodemailer';
import { mailEnabled, type Config } from '../config.js';
import type { Logger } from '../log.js';

/** One message as the queue carries it (plain JSON): every one has a plain-text and an HTML part. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers: List-Unsubscribe and List-Unsubscribe-Post on notification mail (RFC 8058). */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Sends one message; throws when the server refuses it or cannot be reached (the job retries). */
  send(message: MailMessage): Promise<void>;
}

/** A server that does not answer within these is taken as down: the job fails and is retried later. */
const SMTP_CONNECTION_TIMEOUT_MS = 15_000;
const SMTP_SOCKET_TIMEOUT_MS = 60_000;

/** The sender when MAIL_FROM is not set (MAIL_TRANSPORT=log only): the site's own host. */
export function senderAddress(config: Pick<Config, 'mailFrom' | 'publicUrl' | 'siteName'>): string {
  return config.mailFrom ?? `${config.siteName} <no-reply@${config.publicUrl.hostname}>`;
}

/**
 * The mailer the worker sends with, from MAIL_TRANSPORT, SMTP_URL and MAIL_FROM; null when mail
 * is off. With MAIL_TRANSPORT=log each message is written to the log whole, so that a newcomer
 * can follow a confirmation or reset link with no mail server.
 */
export function createMailer(config: Config, logger: Logger): Mailer | null {
  if (!mailEnabled(config)) return null;
  const from = senderAddress(config);
  if (config.mailTransport === 'log') {
    return {
      async send(message) {
        logger.info({ mail: { from, to: message.to, subject: message.subject, headers: message.headers ?? {} } }, `mail (MAIL_TRANSPORT=log) to ${message.to}: ${message.subject}\n\n${message.text}`);
      },
    };
  }
  // One transport for the process: it opens a connection per message and closes it after.
  const transport = nodemailer.createTransport({
    url: config.smtpUrl!,
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
      });
    },
  };
}
