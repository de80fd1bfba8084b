/**
 * Only the decoders for the formats we accept stay enabled in libvips (process-wide, every thread):
 * a file that slips past the magic-byte check can never reach the SVG, PDF, JPEG 2000, … loaders
 * and their attack surface.
 */
import sharp from 'sharp';

// HEIF covers AVIF (AV1) and the header of HEIC; HEIC's HEVC pixels are decoded by heic-decode.ts
export const ALLOWED_LOADERS = ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadNsgif', 'VipsForeignLoadHeif', 'VipsForeignLoadTiff'];

export function restrictLoaders(): void {
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
}
