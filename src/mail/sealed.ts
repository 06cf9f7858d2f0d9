import crypto from 'node:crypto';
import type { MailMessage } from './mailer.js';

/**
 * Mail as it waits in the job queue: the address and subject in the clear (the administrators'
 * mail page lists them), the rest sealed (AES-256-GCM under a key derived from the session
 * secret). A reset or confirmation link is a key to an account for its hour, and the message
 * text may quote a comment: a copy of the database (a backup, a replica) must not hold them in
 * a form anyone can use, as it holds only the hashes of the links themselves
 * (src/db/email-tokens.ts). The web processes seal, the worker opens: both need the same
 * SESSION_SECRET (or a shared DATA_DIR, where the generated one is kept).
 */
export interface SealedMail {
  to: string;
  subject: string;
  /** base64url of iv (12 bytes) + tag (16 bytes) + ciphertext of { text, html, headers }. */
  sealed: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyOf(secret: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'tubestead mail queue', 32));
}

export function sealMail(message: MailMessage, secret: string): SealedMail {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(secret), iv);
  // The address and subject are bound to the sealed part: a row edited to send it elsewhere fails to open.
  cipher.setAAD(Buffer.from(JSON.stringify([message.to, message.subject])));
  const body = Buffer.concat([cipher.update(JSON.stringify({ text: message.text, html: message.html, headers: message.headers ?? null })), cipher.final()]);
  return { to: message.to, subject: message.subject, sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url') };
}

/** The message again; throws when it was sealed under another secret or changed since. */
export function openMail(mail: SealedMail, secret: string): MailMessage {
  const raw = Buffer.from(mail.sealed, 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(JSON.stringify([mail.to, mail.subject])));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const body = JSON.parse(Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')) as { text: string; html: string; headers: Record<string, string> | null };
  return { to: mail.to, subject: mail.subject, text: body.text, html: body.html, ...(body.headers ? { headers: body.headers } : {}) };
}
