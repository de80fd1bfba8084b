/** `withOptimage(nextConfig)`: the optimage loader, and Next's widths set to optimage's sizes. */
import { WIDTHS } from '@optimage/client';

export { default as optimageLoader } from './loader.js';

export interface WithOptimageOptions {
  /** Your one-line loader file, relative to the project (Next resolves it from there). */
  loaderFile?: string;
}

const KIT = ['@optimage/client', '@optimage/react', '@optimage/next'];

interface ImagesConfig {
  loader?: string;
  loaderFile?: string;
  deviceSizes?: number[];
  imageSizes?: number[];
  [key: string]: unknown;
}

/**
 * Next builds each srcset from `deviceSizes` and `imageSizes`: with optimage's widths there, every
 * width it asks the loader for is a file optimage already has. Other image settings are kept.
 */
export function withOptimage<T extends { images?: ImagesConfig; transpilePackages?: string[] }>(nextConfig: T = {} as T, options: WithOptimageOptions = {}): T & { images: ImagesConfig; transpilePackages: string[] } {
  return {
    ...nextConfig,
    // bundled, not loaded as external ES modules: the Pages Router's server bundle would otherwise
    // read the loader before its asynchronous import has settled ("loader is not a function")
    transpilePackages: [...new Set([...(nextConfig.transpilePackages ?? []), ...KIT])],
    images: {
      ...nextConfig.images,
      loader: 'custom',
      loaderFile: options.loaderFile ?? './optimage-loader.js',
      deviceSizes: [...WIDTHS],
      imageSizes: [],
    },
  };
}
