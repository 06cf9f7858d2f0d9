/**
 * The mixed mode's tables and the targets of issue 9 (item 2) it is judged by, as Markdown.
 */
import { describeNon2xx, type Summary } from './bench-client.js';
import { MIX, type RequestClass } from './bench-mix.js';

const TARGET_RATIO_TO_BARE = 0.2;
const TARGET_P99_MS = 100;
const TARGET_KEPT_WHILE_PROCESSING = 0.75;
const TARGET_P99_WHILE_PROCESSING_MS = 150;

const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
const percent = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(0)} %` : '–');

/**
 * Per class: its share of the requests sent, req/s, p50/p99, answers from the page cache and
 * non-2xx answers; then the whole mix and the bare server. With `quiet` (the run without the
 * upload), a column of req/s against it.
 */
export function mixTable(run: { classes: Summary[]; total: Summary }, against: { bare: Summary; quiet?: { classes: Summary[]; total: Summary } }): string[] {
  const { bare, quiet } = against;
  const kept = (row: Summary, before: Summary | undefined) => (before ? ` ${(row.perSecond / before.perSecond).toFixed(2)} |` : '');
  const line = (label: string, row: Summary, before: Summary | undefined) =>
    `| ${label} | ${percent(row.requests, run.total.requests)} | ${row.perSecond.toFixed(0)} |${kept(row, before)} ${ms(row.p50)} / ${ms(row.p99)} ms | ${percent(row.cacheHits, row.requests)} | ${describeNon2xx(row)} |`;
  const lines = [
    `| Class (weight) | Share | req/s |${quiet ? ' ÷ without upload |' : ''} p50 / p99 | From the page cache | Non-2xx |`,
    `|---|---|---|${quiet ? '---|' : ''}---|---|---|`,
  ];
  for (const row of run.classes) {
    const before = quiet?.classes.find((c) => c.label === row.label);
    lines.push(line(`${row.label} (${MIX[row.label as RequestClass]})`, row, before));
  }
  lines.push(line('**The whole mix**', run.total, quiet?.total));
  lines.push(`| Bare \`node:http\`, same client and mix | – | ${bare.perSecond.toFixed(0)} |${quiet ? ' – |' : ''} ${ms(bare.p50)} / ${ms(bare.p99)} ms | – | ${describeNon2xx(bare)} |`);
  lines.push('', `The whole mix ÷ bare: **${(run.total.perSecond / bare.perSecond).toFixed(2)}**. Page cache hit rate: ${percent(run.total.cacheHits, run.total.requests)} of all requests, ${percent(run.total.cacheHits, signedOutGets(run))} of the signed-out page views (the only ones it may answer).${writes(run.classes)}`);
  return lines;
}

/** What the writes did: a view report answers 201 when it counted, 200 when this viewer's view of the hour was counted already. */
function writes(classes: Summary[]): string {
  const views = classes.find((c) => c.label === 'view report (POST)');
  const likes = classes.find((c) => c.label === 'like (POST)');
  const parts = [];
  if (views) parts.push(`${views.statuses.get(201) ?? 0} view reports counted (201), ${views.statuses.get(200) ?? 0} not (200: counted already this hour for this viewer)`);
  if (likes) parts.push(`${likes.statuses.get(200) ?? 0} likes or unlikes stored (200)`);
  return parts.length ? ` Writes: ${parts.join('; ')}.` : '';
}

function signedOutGets(run: { classes: Summary[] }): number {
  const cacheable = new Set(['watch', 'home', 'search, one word', 'search, two words', 'channel']);
  return run.classes.filter((c) => cacheable.has(c.label)).reduce((sum, c) => sum + c.requests, 0);
}

const verdict = (met: boolean) => (met ? '**met**' : '**unmet**');

/** Issue 9's targets (item 2), each with the figure measured and whether it is met; `busy` is the run beside the upload. */
export function targetLines(quiet: { classes: Summary[]; total: Summary }, bare: Summary, busy: { classes: Summary[]; total: Summary } | null): string[] {
  if (!busy) {
    const ratio = quiet.total.perSecond / bare.perSecond;
    const slow = quiet.classes.filter((c) => c.p99 >= TARGET_P99_MS);
    return [
      `- Target: the mix at least ${TARGET_RATIO_TO_BARE} of the bare server: ${ratio.toFixed(3)}, ${verdict(ratio >= TARGET_RATIO_TO_BARE)}.`,
      `- Target: every class p99 under ${TARGET_P99_MS} ms at 16 connections: ${slow.length ? slow.map((c) => `${c.label} ${ms(c.p99)} ms`).join(', ') : 'all under'}, ${verdict(slow.length === 0)}.`,
    ];
  }
  const kept = busy.total.perSecond / quiet.total.perSecond;
  const slow = busy.classes.filter((c) => c.p99 >= TARGET_P99_WHILE_PROCESSING_MS);
  return [
    `- Target: while a 1080p upload is processed, the mix loses at most a quarter: it keeps ${kept.toFixed(3)} of its req/s, ${verdict(kept >= TARGET_KEPT_WHILE_PROCESSING)}.`,
    `- Target: and p99 stays under ${TARGET_P99_WHILE_PROCESSING_MS} ms (every class): ${slow.length ? slow.map((c) => `${c.label} ${ms(c.p99)} ms`).join(', ') : 'all under'}, ${verdict(slow.length === 0)}.`,
  ];
}
