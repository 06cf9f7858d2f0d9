import type { UploadOverride } from '../db/upload-overrides.js';
import { decimal, formatSize, SIZE_UNITS, sizeInUnits, UPLOAD_SIZE_RANGES, type SizeUnit } from './sizes.js';
import { field, type FormResult } from './fields.js';

/**
 * The form of an account's upload limits on its admin page (POST /admin/users/:handle/limits):
 * each limit blank (the site's setting applies) or the account's own. Sizes are an amount and a
 * unit, MB or GB, binary (1 GB is 1,024 MB) as the site settings form and the upload page count
 * them. A size shown and sent back unchanged keeps its exact bytes, so a form sent again as it was
 * shown changes nothing. The ranges are the site settings' (SETTING_CHECKS) and the table's.
 */

export { formatSize, SIZE_UNITS, sizeInUnits, type SizeUnit } from './sizes.js';

export const OVERRIDE_SIZE_FIELDS = {
  maxUploadBytes: { label: 'Largest upload', ...UPLOAD_SIZE_RANGES.maxUploadBytes },
  uploadBytesPerDay: { label: 'Bytes uploaded per day', ...UPLOAD_SIZE_RANGES.uploadBytesPerDay },
  storageQuotaBytes: { label: 'Storage', ...UPLOAD_SIZE_RANGES.storageQuotaBytes },
} as const;
type SizeKey = keyof typeof OVERRIDE_SIZE_FIELDS;
const SIZE_KEYS = Object.keys(OVERRIDE_SIZE_FIELDS) as SizeKey[];

export const UPLOADS_PER_DAY_MAX = 1_000_000;

const AMOUNT = /^\d{1,9}(\.\d{1,3})?$/;
const WHOLE = /^\d{1,7}$/;

/** The form's values for an account's exceptions as they are (blank where there is none). */
export function overrideFormValues(override: UploadOverride): Record<string, string> {
  const values: Record<string, string> = { uploadsPerDay: override.uploadsPerDay === null ? '' : String(override.uploadsPerDay) };
  for (const key of SIZE_KEYS) {
    const bytes = override[key];
    const shown = bytes === null ? null : sizeInUnits(bytes);
    values[key] = shown?.amount ?? '';
    values[`${key}Unit`] = shown?.unit ?? (key === 'maxUploadBytes' ? 'MB' : 'GB');
  }
  return values;
}

/** The account's new exceptions; `current` keeps exact bytes for sizes sent back as shown. */
export function parseUploadOverride(body: unknown, current: UploadOverride): FormResult<UploadOverride> {
  const values: Record<string, string> = {};
  for (const name of ['uploadsPerDay', ...SIZE_KEYS.flatMap((k) => [k, `${k}Unit`])]) values[name] = field(body, name);
  const errors: Record<string, string> = {};
  const sizes: Partial<Record<SizeKey, number | null>> = {};
  for (const key of SIZE_KEYS) {
    const { label, min, max } = OVERRIDE_SIZE_FIELDS[key];
    const amount = values[key]!.trim();
    const unit = values[`${key}Unit`]!;
    const range = `from ${formatSize(min)} to ${formatSize(max)}`;
    if (amount === '') sizes[key] = null;
    else if (!Object.hasOwn(SIZE_UNITS, unit)) errors[key] = `${label}: choose MB or GB.`;
    else if (!AMOUNT.test(amount)) errors[key] = `${label}: enter a number like 500 or 1.5 (${range}), or leave it blank for the site's setting.`;
    else {
      const was = current[key];
      const shown = was === null ? null : sizeInUnits(was);
      const bytes = shown && decimal(Number(amount)) === shown.amount && unit === shown.unit ? was! : Math.round(Number(amount) * SIZE_UNITS[unit as SizeUnit]);
      if (bytes < min || bytes > max) errors[key] = `${label}: enter a size ${range}, or leave it blank for the site's setting.`;
      else sizes[key] = bytes;
    }
  }
  const perDay = values.uploadsPerDay!.trim();
  let uploadsPerDay: number | null = null;
  if (perDay !== '') {
    uploadsPerDay = Number(perDay);
    if (!WHOLE.test(perDay) || uploadsPerDay < 1 || uploadsPerDay > UPLOADS_PER_DAY_MAX) {
      errors.uploadsPerDay = `Uploads per day: enter a whole number from 1 to ${UPLOADS_PER_DAY_MAX.toLocaleString('en')}, or leave it blank for the site's setting.`;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, value: { maxUploadBytes: sizes.maxUploadBytes ?? null, uploadsPerDay, uploadBytesPerDay: sizes.uploadBytesPerDay ?? null, storageQuotaBytes: sizes.storageQuotaBytes ?? null } };
}
