import path from 'node:path';
import ejs from 'ejs';
import type { Express } from 'express';
import { VIEWS_DIR } from '../paths.js';

const LAYOUT = path.join(VIEWS_DIR, 'layout.ejs');

/**
 * EJS with one layout: a page template renders first, then layout.ejs around it with the
 * page's HTML as `body`. A page rendered with `layout: false` is sent as it is. Templates get
 * only the named values handlers pass (never req.query or req.body as a whole: EJS reads
 * render options from the data object).
 */
export function useViews(app: Express, cache: boolean): void {
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  app.engine('ejs', (file: string, data: object, callback: (err: unknown, html?: string) => void) => {
    // Templates include partials as "/partials/name", from VIEWS_DIR: EJS resolves those
    // without the file-existence check it makes for every relative include on every render.
    const options = { cache, async: false, strict: false, localsName: 'locals', root: VIEWS_DIR };
    const locals = data as Record<string, unknown>;
    ejs.renderFile(file, locals, options, (err, body) => {
      if (err) return callback(err);
      if (locals.layout === false) return callback(null, body);
      ejs.renderFile(LAYOUT, { ...locals, body }, options, callback);
    });
  });
}
