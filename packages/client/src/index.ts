export { SIZES, SRC_SIZE, WIDTHS, sizeFor, type Size } from './sizes.js';
export type { ImageFormat, OptimageImageData, OptimagePlaceholder } from './image.js';
export { url, srcset, transform, isOptimageUrl } from './urls.js';
export { imageProps, placeholderStyle, type ImageProps, type ImagePropsOptions, type PlaceholderMode } from './props.js';
export { watch, type StatusEvent, type WatchOptions } from './watch.js';
export { OptimageError } from './errors.js';
export { upload, postImage, checksumOf, type UploadOptions, type UploadedImage } from './upload.js';
