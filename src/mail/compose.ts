import { escapeHtml } from '../http/html.js';
import type { MailMessage } from './mailer.js';

/**
 * Every mail the site sends is written through here, so that each has the same shape: the
 * site's name in the subject and the signature, a plain-text part and an HTML part saying the
 * same, the links written out in full in both, and for notification mail a one-click
 * unsubscribe (RFC 8058: List-Unsubscribe with an https URL, and List-Unsubscribe-Post).
 */

export interface MailContent {
  to: string;
  siteName: string;
  /** Without the site's name, which is put in front: "[Site] Reset your password". */
  subject: string;
  /** Paragraphs of plain text, each escaped in the HTML part. */
  paragraphs: string[];
  /**
   * A list after the paragraphs, in sections under a heading (notification mail and digests):
   * each entry a line of text, a quote, and its link written out in text and a link in HTML.
   */
  sections?: MailSection[];
  /** The one thing to do, as a button in HTML and a URL on its own line in text. */
  action?: { label: string; url: string };
  /** Lines after the action, smaller: "This link works once, for an hour". */
  notes?: string[];
  /** For notification mail: the one-click address (POST) and the page behind it (GET). */
  unsubscribe?: { url: string; what: string };
}

export interface MailSection {
  heading: string;
  entries: { text: string; quote: string | null; url: string | null }[];
}

export function composeMail(content: MailContent): MailMessage {
  const subject = `[${content.siteName}] ${content.subject}`;
  const text: string[] = [...content.paragraphs];
  const html: string[] = content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  for (const section of content.sections ?? []) {
    text.push([section.heading, ...section.entries.map((e) => [`- ${e.text}`, ...(e.quote ? [`  “${e.quote}”`] : []), ...(e.url ? [`  ${e.url}`] : [])].join('\n'))].join('\n\n'));
    html.push(`<h2 style="font-size:17px;margin:24px 0 8px">${escapeHtml(section.heading)}</h2>`);
    html.push(`<ul style="padding-left:20px">${section.entries.map((e) => `<li style="margin-bottom:12px">${e.url ? `<a href="${escapeHtml(e.url)}">${escapeHtml(e.text)}</a>` : escapeHtml(e.text)}${e.quote ? `<br><span style="color:#444">“${escapeHtml(e.quote)}”</span>` : ''}</li>`).join('')}</ul>`);
  }
  if (content.action) {
    text.push(`${content.action.label}:\n${content.action.url}`);
    html.push(`<p><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:10px 16px;background:#1a56db;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(content.action.label)}</a></p>`);
    html.push(`<p style="font-size:13px;color:#444">Or open this address: <a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.url)}</a></p>`);
  }
  for (const note of content.notes ?? []) {
    text.push(note);
    html.push(`<p style="font-size:13px;color:#444">${escapeHtml(note)}</p>`);
  }
  text.push(`— ${content.siteName}`);
  html.push(`<p>— ${escapeHtml(content.siteName)}</p>`);
  const headers: Record<string, string> = {};
  if (content.unsubscribe) {
    text.push(`To stop mail about ${content.unsubscribe.what}: ${content.unsubscribe.url}`);
    html.push(`<p style="font-size:13px;color:#444"><a href="${escapeHtml(content.unsubscribe.url)}">Stop mail about ${escapeHtml(content.unsubscribe.what)}</a></p>`);
    headers['List-Unsubscribe'] = `<${content.unsubscribe.url}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    to: content.to,
    subject,
    text: `${text.join('\n\n')}\n`,
    html: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#111">\n${html.join('\n')}\n</body></html>\n`,
    ...(content.unsubscribe ? { headers } : {}),
  };
}
