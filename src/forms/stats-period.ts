/** The periods a video's statistics cover, in days (the page's chooser offers these only). */
export const STATS_PERIODS = [7, 28, 90] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];
export const DEFAULT_STATS_PERIOD: StatsPeriod = 28;

/** `?period=` of the statistics page and its CSV: one of STATS_PERIODS, 28 when absent. */
export function parseStatsPeriod(query: Record<string, unknown>): { value: StatsPeriod } | { error: string } {
  const raw = query.period;
  if (raw === undefined || raw === '') return { value: DEFAULT_STATS_PERIOD };
  const period = STATS_PERIODS.find((p) => String(p) === raw);
  return period ? { value: period } : { error: `The period is one of ${STATS_PERIODS.join(', ')} days.` };
}
