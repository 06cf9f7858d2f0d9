import { listed } from './visibility.js';

/**
 * Keyset pagination after the video whose public id is the parameter `after` ($2 unless told),
 * in `column` DESC, id DESC order: the CTE that reads that video's key, and the condition for
 * the rows after it. Inserts never shift a page, and no rows are skipped by OFFSET.
 *
 * The cursor counts only when the listing itself would show its video (`listed`, plus the
 * listing's own `scope` over the alias `c`, such as "of this channel"); any other id, a private
 * video's included, reads as no cursor and gives the first page, so the answer never tells
 * whether an id exists.
 */
export function afterVideo(column: 'published_at' | 'view_count', scope = 'true', after = '$2') {
  return {
    cursor: `cursor AS (
       SELECT c.${column}, c.id FROM videos c JOIN users cu ON cu.id = c.owner_id
       WHERE c.public_id = ${after} AND ${listed('c', 'cu')} AND ${scope}
     )`,
    condition: `(${after}::text IS NULL OR NOT EXISTS (SELECT 1 FROM cursor) OR (v.${column}, v.id) < (SELECT ${column}, id FROM cursor))`,
  };
}
