import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffFormat } from './sniff.ts';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffFormat', () => {
  it('recognises the four accepted formats by their magic bytes', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'))).toBe('jpeg');
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe1], 'Exif'))).toBe('jpeg');
    expect(sniffFormat(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('png');
    expect(sniffFormat(bytes('GIF89a', [1, 0]))).toBe('gif');
    expect(sniffFormat(bytes('GIF87a'))).toBe('gif');
    expect(sniffFormat(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
  });

  it('refuses SVG, HTML, text, other containers and empty input', () => {
    for (const text of ['<?xml version="1.0"?><svg', '<svg xmlns="http://www.w3.org/2000/svg">', '<!DOCTYPE html><html>', 'hello, world', '']) {
      expect(sniffFormat(bytes(text)), JSON.stringify(text)).toBeNull();
    }
    expect(sniffFormat(bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '))).toBeNull(); // RIFF, but audio
    expect(sniffFormat(bytes([0, 0, 0, 0x18], 'ftypmp42', [0, 0, 0, 0], 'isommp42'))).toBeNull(); // ISO-BMFF, but a video
    expect(sniffFormat(bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0], 'mif1miaf'))).toBeNull(); // HEIF of neither codec
    expect(sniffFormat(bytes('BM', [0, 0, 0, 0]))).toBeNull(); // BMP
  });

  it('refuses a magic number cut short', () => {
    expect(sniffFormat(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffFormat(bytes([0x89], 'PNG'))).toBeNull();
    expect(sniffFormat(bytes('GIF8'))).toBeNull();
    expect(sniffFormat(bytes('RIFF', [0, 0, 0, 0]))).toBeNull();
  });

  it('recognises HEIC, AVIF and TIFF: HEIF by its brands (the generic mif1 by its compatible brands), TIFF by either byte order', () => {
    expect(sniffFormat(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBe('heic');
    expect(sniffFormat(bytes([0, 0, 0, 0x1c], 'ftypmif1', [0, 0, 0, 0], 'mif1heicmiaf'))).toBe('heic');
    expect(sniffFormat(bytes([0, 0, 0, 0x20], 'ftypavif', [0, 0, 0, 0], 'avifmif1miaf'))).toBe('avif');
    expect(sniffFormat(bytes([0, 0, 0, 0x1c], 'ftypmif1', [0, 0, 0, 0], 'mif1avifmiaf'))).toBe('avif');
    expect(sniffFormat(bytes('II', [0x2a, 0, 8, 0, 0, 0]))).toBe('tiff');
    expect(sniffFormat(bytes('MM', [0, 0x2a, 0, 0, 0, 8]))).toBe('tiff');
    expect(sniffFormat(bytes('II', [0x2b, 0]))).toBeNull(); // BigTIFF is not accepted
  });

  it('needs no more than SNIFF_BYTES bytes', () => {
    expect(SNIFF_BYTES).toBe(32);
    expect(sniffFormat(bytes('RIFF', [0x24, 0, 0, 0], 'WEBP').subarray(0, SNIFF_BYTES))).toBe('webp');
  });
});
