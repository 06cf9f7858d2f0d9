import pg from 'pg';
import type { PoolClient } from './pool.js';

// EXPLAIN ANALYZE of a query the site ran, with the values it ran with, for the plan check
// (test/db/query-plans.test.ts) and scripts/explain-hot.ts. Not used by the site itself.

/** One node of EXPLAIN (FORMAT JSON)'s plan tree, with the fields read here. */
export interface PlanNode {
  'Node Type': string;
  /** How it feeds its parent: 'Outer', 'Inner', or 'InitPlan' and 'SubPlan' (CTEs and subqueries, run apart). */
  'Parent Relationship'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

export interface Explained {
  plan: PlanNode;
  /** Whether it ran (EXPLAIN ANALYZE): the plan has actual rows and the times are measured. */
  analyzed: boolean;
  planningMs: number | null;
  executionMs: number | null;
}

export interface ExplainOptions {
  /**
   * How a prepared statement is planned: with its values each time ('custom'), or once for any
   * values ('generic', which plan_cache_mode=auto switches to after five executions when it
   * does not look costlier).
   */
  plan: 'custom' | 'generic';
  /**
   * Seq scans priced out of reach: a small table's seq scan chosen for cheapness then turns
   * into an index scan, and one that remains means no index can serve the query.
   */
  forbidSeqScan: boolean;
  /**
   * Whether to run it (EXPLAIN ANALYZE): 'reads' runs only queries whose plan changes no row;
   * 'all' runs writes too, in the transaction rolled back afterwards, and shows a write's plan
   * without running it when it cannot run again (the recorded values no longer fit the rows,
   * such as a counter taken below zero).
   */
  analyze: 'reads' | 'all';
}

const STATEMENT = 'tubestead_explained';

/** A value as the text node-postgres sends for it, quoted: EXECUTE's arguments take the parameters' types. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) return pg.escapeLiteral(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'object') return pg.escapeLiteral(JSON.stringify(value));
  return pg.escapeLiteral(String(value));
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${String(value instanceof Date ? value.toISOString() : value).replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Prepares `text` as the site does (parameter types inferred from the query), then explains
 * EXECUTE with `values`, inside a transaction that is rolled back. `client` must be one the site
 * is not using meanwhile.
 */
export async function explainQuery(client: PoolClient, text: string, values: unknown[], options: ExplainOptions): Promise<Explained> {
  const planned = await explainPrepared(client, text, values, options, false);
  const writes = planNodes(planned.plan).some((node) => node['Node Type'] === 'ModifyTable');
  if (writes && options.analyze === 'reads') return planned;
  try {
    return await explainPrepared(client, text, values, options, true);
  } catch (err) {
    if (writes) return planned;
    throw err;
  }
}

async function explainPrepared(client: PoolClient, text: string, values: unknown[], options: ExplainOptions, analyze: boolean): Promise<Explained> {
  await client.query(`PREPARE ${STATEMENT} AS ${text}`);
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL plan_cache_mode = ${options.plan === 'generic' ? 'force_generic_plan' : 'force_custom_plan'}`);
      if (options.forbidSeqScan) await client.query('SET LOCAL enable_seqscan = off');
      const args = values.length > 0 ? `(${values.map(literal).join(', ')})` : '';
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number }] }>(
        `EXPLAIN (ANALYZE ${analyze}, FORMAT JSON) EXECUTE ${STATEMENT}${args}`,
      );
      const [explained] = rows[0]!['QUERY PLAN'];
      return { plan: explained.Plan, analyzed: analyze, planningMs: explained['Planning Time'] ?? null, executionMs: explained['Execution Time'] ?? null };
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    await client.query(`DEALLOCATE ${STATEMENT}`);
  }
}

/** Every node of a plan, the root first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** Rows a scan node looked at over all its loops: those it returned and those its filter dropped. */
export function rowsRead(node: PlanNode): number {
  return ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
}

/** How many rows the planner thinks each table holds (as of its last ANALYZE). */
export async function estimatedTableRows(client: PoolClient, tables: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ relname: string; reltuples: number }>(
    `SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relkind = 'r' AND relname = ANY($1::text[])`,
    [tables],
  );
  return new Map(rows.map((r) => [r.relname, r.reltuples]));
}
