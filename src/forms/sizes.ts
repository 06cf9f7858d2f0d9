/**
 * Sizes as forms show and read them (the site settings and an account's upload limits): an
 * amount and a unit, MB or GB, binary (1 GB is 1,024 MB) as the environment's byte values count.
 */
export const SIZE_UNITS = { MB: 1024 ** 2, GB: 1024 ** 3 } as const;
export type SizeUnit = keyof typeof SIZE_UNITS;

/** A number with at most three decimals, without trailing zeros: 4, 1.5, 953.674. */
export function decimal(n: number): string {
  return String(Number(n.toFixed(3)));
}

/** How a form shows a size: in GB from 1 GB up, in MB below. */
export function sizeInUnits(bytes: number): { amount: string; unit: SizeUnit } {
  const unit: SizeUnit = bytes >= SIZE_UNITS.GB ? 'GB' : 'MB';
  return { amount: decimal(bytes / SIZE_UNITS[unit]), unit };
}

/** A size for people: "4 GB", "500 MB". */
export function formatSize(bytes: number): string {
  const { amount, unit } = sizeInUnits(bytes);
  return `${Number(amount).toLocaleString('en')} ${unit}`;
}

/**
 * The ranges a form accepts for the upload limits, the site's (/admin/settings) and an account's
 * own (/admin/users/:handle/limits) alike: from 1 MB, up to 1,024 GB for one upload and
 * 1,048,576 GB a day or stored.
 */
export const UPLOAD_SIZE_RANGES = {
  maxUploadBytes: { min: SIZE_UNITS.MB, max: 1024 * SIZE_UNITS.GB },
  uploadBytesPerDay: { min: SIZE_UNITS.MB, max: 1024 ** 2 * SIZE_UNITS.GB },
  storageQuotaBytes: { min: SIZE_UNITS.MB, max: 1024 ** 2 * SIZE_UNITS.GB },
} as const;
