/**
 * Real pictures for tests and benches: Debian's wallpaper packages hold camera photos (the Ubuntu
 * wallpaper contest entries in lomiri-wallpapers-16.04/-20.04), renders and flat illustrations
 * (ukui-wallpapers), from 1.5 to 24 MP. They are downloaded with apt and unpacked into a cache outside the
 * repository (never committed): `OPTIMAGE_PHOTO_CACHE`, else ~/.cache/optimage-photos.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PACKAGES = ['ukui-wallpapers', 'lomiri-wallpapers', 'lomiri-wallpapers-16.04', 'lomiri-wallpapers-20.04'];

/** What each picture shows: metrics and encoders behave very differently on each kind. */
export type RealPhotoKind = 'photo' | 'render' | 'flat';

export interface RealPhoto {
  name: string;
  path: string;
  kind: RealPhotoKind;
}

/** Looked at one by one in a contact sheet; sizes as shipped. */
const CATALOGUE: Record<string, RealPhotoKind> = {
  'Bridge_by_Sander_Klootwijk.jpg': 'photo', // 4352×2448, sky and cables
  'Dragonfly_by_Bolly.jpg': 'photo', // 4224×3168, leaves: high detail
  'Kleiber_by_Lukas_Baubkus.jpg': 'photo', // 6028×3391, bird on bark, shallow depth of field
  'Picture_0B_by_freespace.jpg': 'photo', // 2572×1740, saturated red bowl with a fig
  'Picture_1A_by_freespace.jpg': 'photo', // 1365×1074, paint brushes
  'Wine_by_Jakkub_Mede.jpg': 'photo', // 2560×3837 portrait, interior
  'aitzgorri_by_Aitzol_Berasategi.jpg': 'photo', // 3088×2056, landscape
  'friends_by_Aitzol_Berasategi.jpg': 'photo', // 2056×3088 portrait, dogs at a door
  'free_by_Peter_Nerlich.jpg': 'photo', // 2880×2160, lamp and bird
  'greentock_by_Peter_Nerlich.jpg': 'photo', // 2880×2160, clock
  'life_by_Aitzol_Berasategi.jpg': 'photo', // 3088×2056, stream in a forest
  'picosdeeuropa_by_Aitzol_Berasategi.jpg': 'photo', // 3264×2448, mountains
  'seeding_by_Clements_Engelhardt.jpg': 'photo', // 5312×2988, dandelions against the sun
  'sunset_by_Aitzol_Berasategi.jpg': 'photo', // 4272×2848, sun in the frame
  'analogpattern_by_Peter_Nerlich.jpg': 'photo', // 2880×2160, grainy texture
  'Fossa_by_Jasper_Roks.jpg': 'render', // 4096×2304
  'Infinite-Sea_by_Aury88.jpg': 'render', // 4096×4096
  'umang_by_Abhishek_Mudgal.jpg': 'render', // 3840×2160, saturated gradients
  '2004default.jpg': 'render', // 3840×2400
  'rhythm.jpg': 'render',
  'string.jpg': 'render',
  'the-mouse.jpg': 'render',
  'calla.png': 'render',
  'goldfish.png': 'render',
  'fluent-color.png': 'render',
  'focal-ubuntukylin.png': 'render',
  'Painting-Colors_by__herobrine7gamer.jpg': 'flat', // 6000×4000 stripes
  'firstgeneration.jpg': 'flat',
  'city.png': 'flat',
  'desert.png': 'flat',
  'rollpaper.png': 'flat',
  'warty-final-ubuntu.png': 'flat',
};

export function photoCacheDir(): string {
  return process.env.OPTIMAGE_PHOTO_CACHE ?? join(homedir(), '.cache', 'optimage-photos');
}

/** Downloads and unpacks the packages once (apt-get download needs no root, dpkg-deb -x none either). */
export function ensureRealPhotos(): string {
  const dir = photoCacheDir();
  const backgrounds = join(dir, 'usr', 'share', 'backgrounds');
  if (existsSync(join(backgrounds, 'Kleiber_by_Lukas_Baubkus.jpg')) && existsSync(join(backgrounds, 'rhythm.jpg'))) return backgrounds;
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('apt-get', ['download', ...PACKAGES], { cwd: work, stdio: 'pipe' });
  for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'root')], { stdio: 'pipe' });
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'root'), dir);
  rmSync(work, { recursive: true, force: true });
  return backgrounds;
}

/** Every catalogued picture, optionally of one kind, in a stable order. */
export function realPhotos(kind?: RealPhotoKind): RealPhoto[] {
  const dir = ensureRealPhotos();
  return Object.entries(CATALOGUE)
    .filter(([, k]) => !kind || k === kind)
    .map(([name, k]) => ({ name, path: join(dir, name), kind: k }))
    .filter((p) => existsSync(p.path));
}
