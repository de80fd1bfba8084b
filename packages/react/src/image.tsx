/**
 * `<OptimageImage>` and `<OptimagePicture>`: plain elements from props, no hooks and no state, so
 * they render in React Server Components (and on the server of any React app) as they are.
 */
import { imageProps, srcset, type OptimageImageData, type PlaceholderMode } from '@optimage/client';
import type { ImgHTMLAttributes } from 'react';

type ImgAttributes = Omit<ImgHTMLAttributes<HTMLImageElement>, 'src' | 'srcSet' | 'width' | 'height' | 'placeholder'>;

export interface OptimageImageProps extends ImgAttributes {
  image: OptimageImageData;
  /** How wide the image is laid out, e.g. `(max-width: 600px) 100vw, 50vw`. Default `100vw`. */
  sizes?: string;
  /** The LCP image: eager, `fetchpriority="high"`. */
  priority?: boolean;
  /** Painted behind the image until it loads. Default `blur`. */
  placeholder?: PlaceholderMode;
  alt?: string;
}

function propsOf({ image, sizes, priority, placeholder, style, alt, ...rest }: OptimageImageProps) {
  const props = imageProps(image, { sizes, priority, placeholder });
  return { ...rest, ...props, alt: alt ?? '', style: { ...props.style, ...style } };
}

export function OptimageImage(props: OptimageImageProps) {
  return <img {...propsOf(props)} />;
}

/** A `<picture>` with an AVIF source (when the collection makes AVIF) and a WebP one. */
export function OptimagePicture({ formats = ['avif', 'webp'], ...props }: OptimageImageProps & { formats?: readonly ('avif' | 'webp')[] }) {
  const img = propsOf(props);
  return (
    <picture>
      {formats.map((format) => (
        <source key={format} type={`image/${format}`} srcSet={srcset(props.image, { format })} sizes={img.sizes} />
      ))}
      <img {...img} />
    </picture>
  );
}
