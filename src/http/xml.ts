import { escapeHtml } from './html.js';

// Everything outside XML 1.0's Char production: C0 controls but tab, newline and carriage return,
// halves of surrogate pairs, U+FFFE and U+FFFF. A parser must stop at the first of these, even
// written as a character reference, so one such title would make a whole feed unreadable.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text for an XML element or attribute value (Atom feeds, the sitemap): characters XML cannot
 * hold are dropped, the rest escaped. Forms refuse such characters, but rows written before
 * that, or by other means, may still hold them.
 */
export function xmlText(text: string): string {
  return escapeHtml(text.replace(NOT_XML_CHAR, ''));
}
