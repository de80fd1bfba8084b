export { OptimageImage, OptimagePicture, type OptimageImageProps } from './image.js';
export { url, srcset, sizeFor, imageProps, transform, SIZES, type OptimageImageData } from '@optimage/client';
