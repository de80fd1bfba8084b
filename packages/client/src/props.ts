/** Everything an `<img>` needs, as one object (React prop names; plain DOM takes them too). */
import type { OptimageImageData } from './image.js';
import { SRC_SIZE } from './sizes.js';
import { srcset, url } from './urls.js';

export type PlaceholderMode = 'blur' | 'color' | 'none';

export interface ImagePropsOptions {
  /** The `sizes` attribute: how wide the image is laid out. Default `100vw`. */
  sizes?: string;
  /** The LCP image: loaded eagerly at high priority. */
  priority?: boolean;
  placeholder?: PlaceholderMode;
}

export interface ImageProps {
  src: string;
  srcSet: string;
  sizes: string;
  width?: number;
  height?: number;
  loading: 'eager' | 'lazy';
  decoding: 'async';
  fetchPriority: 'high' | 'auto';
  style: Record<string, string>;
}

/** The placeholder painted behind the image until it loads: the blurred preview or the colour. */
export function placeholderStyle(image: OptimageImageData, mode: PlaceholderMode = 'blur'): Record<string, string> {
  const p = image.placeholder;
  if (!p || mode === 'none') return {};
  const style: Record<string, string> = p.color ? { backgroundColor: p.color } : {};
  if (mode === 'blur' && p.dataUrl) Object.assign(style, { backgroundImage: `url("${p.dataUrl}")`, backgroundSize: 'cover', backgroundPosition: 'center', backgroundRepeat: 'no-repeat' });
  return style;
}

export function imageProps(image: OptimageImageData, options: ImagePropsOptions = {}): ImageProps {
  const width = image.width ?? undefined;
  return {
    src: url(image, width && width < SRC_SIZE ? 0 : SRC_SIZE),
    srcSet: srcset(image),
    sizes: options.sizes ?? '100vw',
    width,
    height: image.height ?? undefined,
    loading: options.priority ? 'eager' : 'lazy',
    decoding: 'async',
    fetchPriority: options.priority ? 'high' : 'auto',
    style: placeholderStyle(image, options.placeholder),
  };
}
