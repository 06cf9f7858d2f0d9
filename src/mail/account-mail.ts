import { composeMail } from './compose.js';
import type { MailMessage } from './mailer.js';

/**
 * The mail of account email (issue 14, item 6): confirmation and reset links, and the
 * announcements of a changed password or address. No unsubscribe: they are about the account's
 * safety, not notifications one can turn off. Each says what to do if it was not you.
 */

const IF_NOT_YOU = 'If this was not you, someone may know your password: reset it from the sign-in page ("Forgot your password?") and check your settings.';

export function confirmationMail(input: { to: string; siteName: string; handle: string; url: string; hours: number }): MailMessage {
  return composeMail({
    to: input.to,
    siteName: input.siteName,
    subject: 'Confirm your email address',
    paragraphs: [
      `Someone, probably you, asked to use ${input.to} for the account @${input.handle} on ${input.siteName}.`,
      'Once you confirm it, you can sign in with this address, get mail from the site and reset a forgotten password.',
    ],
    action: { label: 'Confirm this address', url: input.url },
    notes: [
      `This link works once, for ${input.hours} hours.`,
      'If you did not ask for this, ignore this mail: the address will not be used.',
    ],
  });
}

export function resetMail(input: { to: string; siteName: string; handle: string; url: string; minutes: number }): MailMessage {
  return composeMail({
    to: input.to,
    siteName: input.siteName,
    subject: 'Reset your password',
    paragraphs: [
      `Someone, probably you, asked to reset the password of @${input.handle} on ${input.siteName}.`,
      'Choose a new password with the link below. Using it signs the account out everywhere.',
    ],
    action: { label: 'Choose a new password', url: input.url },
    notes: [
      `This link works once, within ${input.minutes} minutes.`,
      'If you did not ask for this, ignore this mail: your password stays as it is.',
    ],
  });
}

export function passwordChangedMail(input: { to: string; siteName: string; handle: string; signInUrl: string }): MailMessage {
  return composeMail({
    to: input.to,
    siteName: input.siteName,
    subject: 'Your password was changed',
    paragraphs: [
      `The password of @${input.handle} on ${input.siteName} was changed, and the account's other sessions were signed out.`,
      IF_NOT_YOU,
    ],
    action: { label: 'Sign in', url: input.signInUrl },
  });
}

export function emailChangedMail(input: { to: string; siteName: string; handle: string; newEmail: string; settingsUrl: string }): MailMessage {
  return composeMail({
    to: input.to,
    siteName: input.siteName,
    subject: 'Your email address was changed',
    paragraphs: [
      `The email address of @${input.handle} on ${input.siteName} was changed from ${input.to} to ${input.newEmail}. This address will get no more mail about the account.`,
      `If this was not you, someone may have taken over the account: sign in and change your password if you still can, and write to the administrators of ${input.siteName}.`,
    ],
    action: { label: 'Open your settings', url: input.settingsUrl },
  });
}
