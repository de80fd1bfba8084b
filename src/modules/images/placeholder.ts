/**
 * What a page paints before an image loads (contract §7): a ThumbHash, the dominant colour and a
 * tiny blurred WebP as a data URL. Computed by processing from the decoded pixels, stored with the
 * image at activation, shown once it is ready.
 */
export interface Placeholder {
  /** ThumbHash bytes, base64. */
  thumbhash: string;
  /** `#rrggbb`: the average colour of the visible (alpha-weighted) pixels. */
  color: string;
  /** `data:image/webp;base64,…`, at most MAX_DATA_URL_BYTES characters. */
  dataUrl: string;
}

export const MAX_DATA_URL_BYTES = 1000;
