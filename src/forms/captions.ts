import { field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';

export const CAPTION_LABEL_MAX = 60;

/**
 * A BCP 47 language tag of the shape captions use: a language (2–3 letters), then optionally a
 * script (4 letters: zh-Hant), a region (2 letters or 3 digits: pt-BR, es-419) and variants
 * (de-CH-1996). Extensions and private use (x-…) are left out: no player offers them.
 */
export const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z]{4})?(?:-(?:[a-zA-Z]{2}|\d{3}))?(?:-(?:[a-zA-Z0-9]{5,8}|\d[a-zA-Z0-9]{3}))*$/;
export const LANGUAGE_TAG_MAX = 35;

/**
 * The tag as browsers and Intl write it (pt-br → pt-BR, ZH-HANT → zh-Hant), so that one language
 * is one track whatever case it was typed in; null for anything that is not a tag.
 */
export function canonicalLanguage(tag: string): string | null {
  if (tag.length > LANGUAGE_TAG_MAX || !LANGUAGE_TAG.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The language's name in English ("Brazilian Portuguese"), for hints and messages; the tag when unknown. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export interface CaptionDetails {
  language: string;
  label: string;
}

/** The fields of the caption upload form (the file is judged apart, by parseCaptions). */
export function parseCaptionDetails(body: unknown): FormResult<CaptionDetails> {
  const typedLanguage = field(body, 'language').trim();
  const label = field(body, 'label').trim();
  const errors: Record<string, string> = {};
  const language = canonicalLanguage(typedLanguage);
  if (typedLanguage === '') errors.language = 'Enter the language of the captions as a tag such as en, pt-BR or zh-Hant.';
  else if (!language) errors.language = 'Write the language as a BCP 47 tag such as en, pt-BR or zh-Hant.';
  if (label === '') errors.label = 'Enter the name viewers will pick the captions by, such as English or Português (Brasil).';
  else if (length(label) > CAPTION_LABEL_MAX) errors.label = `Use at most ${CAPTION_LABEL_MAX} characters (this is ${length(label)}).`;
  else if (hasForbiddenCharacters(label) || /[\r\n\t\u2028\u2029]/.test(label)) errors.label = 'Use letters, digits, spaces and punctuation only.';
  return result(errors, { language: typedLanguage, label }, () => ({ language: language!, label }));
}
