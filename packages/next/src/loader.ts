/**
 * The `next/image` loader (`images.loader: 'custom'`): an optimage URL is served straight from
 * optimage at the smallest of its sizes at least as wide as Next asks for; any other URL is left
 * as it is. Your loader file is one line: `export { default } from '@optimage/next/loader';`
 */
import { transform } from '@optimage/client';

export interface LoaderProps {
  src: string;
  width: number;
  quality?: number;
}

export default function optimageLoader({ src, width }: LoaderProps): string {
  return transform(src, { width });
}
