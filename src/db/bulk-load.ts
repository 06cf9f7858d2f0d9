import type { PoolClient } from './pool.js';

/*
 * Loading millions of rows at once, as `npm run seed` does: an index maintained row by row
 * costs several times what one CREATE INDEX over the finished table costs (random inserts into
 * a B-tree or GIN index, against a sort), and a foreign key checks each row in its own lookup
 * (and locks the referenced row), where adding it afterwards checks the whole table in one join.
 */

/** What dropSecondaryIndexes dropped, as the catalogue described it. */
export interface DroppedIndexes {
  indexes: string[];
  foreignKeys: { table: string; name: string; definition: string }[];
}

/**
 * Drops the secondary indexes (those behind no constraint: primary keys and unique constraints
 * stay) and the foreign keys of `tables`, in the caller's transaction, and returns their
 * definitions for restoreIndexes. Schema changes are transactional in Postgres, so a load that
 * fails and rolls back leaves every index and key as it was. The definitions come from the
 * catalogue, not from a copy here, so an index a migration adds is followed without a change
 * to this file. Names read back as regclass come quoted where they need it. Triggers stay.
 */
export async function dropSecondaryIndexes(client: PoolClient, tables: readonly string[]): Promise<DroppedIndexes> {
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
     WHERE i.indrelid = ANY ($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY i.indexrelid`,
    [tables],
  );
  const { rows: foreignKeys } = await client.query<{ table: string; name: string; definition: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c
     WHERE c.contype = 'f' AND c.conrelid = ANY ($1::regclass[])
     ORDER BY c.oid`,
    [tables],
  );
  for (const fk of foreignKeys) await client.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${client.escapeIdentifier(fk.name)}`);
  for (const { name } of indexes) await client.query(`DROP INDEX ${name}`);
  return { indexes: indexes.map((r) => r.definition), foreignKeys };
}

/** Creates again what dropSecondaryIndexes dropped: each index in one build, each key checked in one join. */
export async function restoreIndexes(client: PoolClient, dropped: DroppedIndexes): Promise<void> {
  for (const definition of dropped.indexes) await client.query(definition);
  for (const fk of dropped.foreignKeys) {
    await client.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${client.escapeIdentifier(fk.name)} ${fk.definition}`);
  }
}
