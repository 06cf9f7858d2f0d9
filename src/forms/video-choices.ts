// The fixed lists a creator picks a video's category and language from. Stored by key (the
// category) and BCP 47 tag (the language), so that a label can be reworded without touching
// rows; a key once used is never reused for something else. Order is the order shown.

/** YouTube's categories, as creators know them. */
export const VIDEO_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['film-animation', 'Film & Animation'],
  ['autos-vehicles', 'Autos & Vehicles'],
  ['music', 'Music'],
  ['pets-animals', 'Pets & Animals'],
  ['sports', 'Sports'],
  ['travel-events', 'Travel & Events'],
  ['gaming', 'Gaming'],
  ['people-blogs', 'People & Blogs'],
  ['comedy', 'Comedy'],
  ['entertainment', 'Entertainment'],
  ['news-politics', 'News & Politics'],
  ['howto-style', 'Howto & Style'],
  ['education', 'Education'],
  ['science-technology', 'Science & Technology'],
  ['nonprofits-activism', 'Nonprofits & Activism'],
]);

/**
 * Common spoken languages as BCP 47 tags with their English names, sorted by name. A region or
 * script is given only where viewers tell the variants apart (Brazilian Portuguese, Latin
 * American Spanish, the two Chinese scripts).
 */
export const VIDEO_LANGUAGES: ReadonlyMap<string, string> = new Map([
  ['ar', 'Arabic'],
  ['bn', 'Bengali'],
  ['bg', 'Bulgarian'],
  ['ca', 'Catalan'],
  ['zh-Hans', 'Chinese (Simplified)'],
  ['zh-Hant', 'Chinese (Traditional)'],
  ['hr', 'Croatian'],
  ['cs', 'Czech'],
  ['da', 'Danish'],
  ['nl', 'Dutch'],
  ['en', 'English'],
  ['eo', 'Esperanto'],
  ['et', 'Estonian'],
  ['fil', 'Filipino'],
  ['fi', 'Finnish'],
  ['fr', 'French'],
  ['de', 'German'],
  ['el', 'Greek'],
  ['he', 'Hebrew'],
  ['hi', 'Hindi'],
  ['hu', 'Hungarian'],
  ['id', 'Indonesian'],
  ['it', 'Italian'],
  ['ja', 'Japanese'],
  ['ko', 'Korean'],
  ['ms', 'Malay'],
  ['nb', 'Norwegian Bokmål'],
  ['fa', 'Persian'],
  ['pl', 'Polish'],
  ['pt', 'Portuguese'],
  ['pt-BR', 'Portuguese (Brazil)'],
  ['ro', 'Romanian'],
  ['ru', 'Russian'],
  ['sr', 'Serbian'],
  ['sk', 'Slovak'],
  ['es', 'Spanish'],
  ['es-419', 'Spanish (Latin America)'],
  ['sw', 'Swahili'],
  ['sv', 'Swedish'],
  ['ta', 'Tamil'],
  ['th', 'Thai'],
  ['tr', 'Turkish'],
  ['uk', 'Ukrainian'],
  ['ur', 'Urdu'],
  ['vi', 'Vietnamese'],
]);

export const categoryLabel = (key: string | null) => (key ? VIDEO_CATEGORIES.get(key) ?? null : null);
export const languageLabel = (tag: string | null) => (tag ? VIDEO_LANGUAGES.get(tag) ?? null : null);
