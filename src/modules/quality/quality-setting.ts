/**
 * A collection's `quality` (contract §15): an encoder quality 1–100 (default 80, §4), or "auto" — per
 * image, the lowest quality up to 80 whose SSIMULACRA 2 score reaches a target chosen so that the
 * corpus' 10th-percentile score stays at q80's (auto-quality.ts AUTO_TARGET). Validation lives here so REST and GraphQL answer the same INVALID_QUALITY.
 */
import { ValidationError } from '../../errors.ts';

export type QualitySetting = number | 'auto';

export const DEFAULT_QUALITY = 80;

export function isQualitySetting(value: unknown): value is QualitySetting {
  return value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100);
}

/** The setting, or 400 INVALID_QUALITY (0, 101, 80.5, "best", "80", null…). */
export function parseQualitySetting(value: unknown): QualitySetting {
  if (!isQualitySetting(value)) throw new ValidationError('quality must be an integer from 1 to 100 or "auto"', 'INVALID_QUALITY', 'quality');
  return value;
}

/** How the setting is stored (a text column: "auto" or the number's digits). */
export const qualityColumn = {
  to: (value: QualitySetting | undefined): string | undefined => (value === undefined ? undefined : String(value)),
  from: (value: string | null): QualitySetting => (value === null ? DEFAULT_QUALITY : value === 'auto' ? 'auto' : Number(value)),
};
