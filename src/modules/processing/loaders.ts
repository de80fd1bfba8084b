/**
 * Only the decoders for the formats we accept stay enabled in libvips (process-wide, every thread):
 * a file that slips past the magic-byte check can never reach the TIFF, SVG, PDF, HEIF, … loaders
 * and their attack surface.
 */
import sharp from 'sharp';

export const ALLOWED_LOADERS = ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadNsgif'];

export function restrictLoaders(): void {
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
}
