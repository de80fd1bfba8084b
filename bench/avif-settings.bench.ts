/**
 * `npm run bench:avif`: how the AVIF encoder settings in src/modules/images/sizes.ts were chosen.
 * Against the same source pixels, WebP q80 (the contract's setting) and AVIF over a range of
 * qualities, then efforts: bytes, SSIM and PSNR on luma, encode time (one libvips thread, as in the
 * pool). The chosen quality is the lowest whose SSIM reaches WebP q80's; the chosen effort the one
 * past which time grows faster than bytes shrink.
 */
import sharp, { type Sharp } from 'sharp';
import { WEBP_QUALITY } from '../src/modules/images/sizes.ts';
import { photoPixels } from '../test/support/images.ts';
import { median } from './measure.ts';
import { psnr, ssim } from './quality.ts';

sharp.concurrency(1);
sharp.cache(false);

interface Scene {
  label: string;
  width: number;
  height: number;
  channels: 3 | 4;
}

// The 12 MP photo itself (size 0, full sensor noise) and two of its sizes as the pipeline makes
// them (downscaled, so smoother): parity is hardest at full size.
const scenes: Scene[] = [
  { label: '4000×3000 photo (size 0)', width: 4000, height: 3000, channels: 3 },
  { label: '1280×960 downscale (size 1280)', width: 1280, height: 960, channels: 3 },
  { label: '640×480 downscale (size 672-ish)', width: 640, height: 480, channels: 3 },
];

async function score(source: Buffer, scene: Scene, encode: (image: Sharp) => Sharp) {
  const raw = { width: scene.width, height: scene.height, channels: scene.channels };
  const times: number[] = [];
  let bytes = Buffer.alloc(0);
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    bytes = await encode(sharp(source, { raw })).toBuffer();
    times.push(performance.now() - start);
  }
  const decoded = await sharp(bytes).raw().toBuffer();
  const channels = decoded.length / (scene.width * scene.height);
  const reference = channels === scene.channels ? source : await sharp(source, { raw }).removeAlpha().raw().toBuffer();
  return { bytes: bytes.length, ms: median(times), ssim: ssim(reference, decoded, scene.width, scene.height, channels), psnr: psnr(reference, decoded, channels) };
}

const line = (label: string, r: { bytes: number; ms: number; ssim: number; psnr: number }) =>
  `  ${label.padEnd(32)} ${String(r.bytes).padStart(9)} B  ${r.ms.toFixed(0).padStart(6)} ms  SSIM ${r.ssim.toFixed(4)}  PSNR ${r.psnr.toFixed(2)} dB`;

async function main(): Promise<void> {
  const qualities = (process.env.AVIF_QUALITIES ?? '50,55,60,62,64').split(',').map(Number);
  const efforts = (process.env.AVIF_EFFORTS ?? '0,1,2,3,4').split(',').map(Number);
  console.log(`AVIF settings benchmark — sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, libheif ${sharp.versions.heif ?? '?'}, aom ${sharp.versions.aom ?? '?'}`);
  const photo = photoPixels(4000, 3000, { seed: 42 });
  for (const scene of scenes) {
    const source = await sharp(photo, { raw: { width: 4000, height: 3000, channels: 3 } }).resize(scene.width, scene.height).raw().toBuffer();
    console.log(`\n${scene.label}`);
    const webp = await score(source, scene, (i) => i.webp({ quality: WEBP_QUALITY }));
    console.log(line(`webp q${WEBP_QUALITY}`, webp));
    const effortForSweep = Number(process.env.AVIF_SWEEP_EFFORT ?? 2);
    for (const chroma of (process.env.AVIF_CHROMA ?? '4:2:0,4:4:4').split(',') as ('4:2:0' | '4:4:4')[]) {
      for (const quality of qualities) {
        const r = await score(source, scene, (i) => i.avif({ quality, effort: effortForSweep, chromaSubsampling: chroma }));
        console.log(line(`avif q${quality} e${effortForSweep} ${chroma}`, r) + (r.ssim >= webp.ssim ? '  ≥ webp' : ''));
      }
    }
    const quality = Number(process.env.AVIF_QUALITY ?? 60);
    for (const effort of efforts) {
      const r = await score(source, scene, (i) => i.avif({ quality, effort, chromaSubsampling: '4:2:0' }));
      console.log(line(`avif q${quality} e${effort} 4:2:0`, r));
    }
  }
}

await main();
