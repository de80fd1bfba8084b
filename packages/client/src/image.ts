/** The fields of an optimage Image (REST or GraphQL) that the kit reads. */
export interface OptimagePlaceholder {
  thumbhash?: string;
  /** The dominant colour, `#rrggbb`. */
  color?: string;
  /** A tiny blurred WebP preview as a `data:` URL. */
  dataUrl?: string;
}

export interface OptimageImageData {
  id?: string;
  slug: string;
  collectionId: string;
  /** Where the files are: the CDN base URL (`…/cdn` for local storage). */
  baseUrl: string;
  status?: string;
  width?: number | null;
  height?: number | null;
  placeholder?: OptimagePlaceholder | null;
  /** Stored files with their URLs: used as they are when present (signed URLs of private images). */
  variants?: readonly { size: number; format?: string; url: string }[] | null;
}

export type ImageFormat = 'webp' | 'avif';
