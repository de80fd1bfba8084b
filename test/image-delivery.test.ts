/**
 * Delivery fields: `Image.url(size)`, `src` and `srcset` over GraphQL, and `src`/`srcset` on REST
 * images, carry the same URLs — null until the image is ready, and for sizes outside the table —
 * and every one of them answers from the CDN.
 */
import { expect } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { ImageDeliveryDocument } from './generated/graphql.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest();

test('null until ready; then src is the 768 size, srcset the 11 widths, url(size) any size of the table', async ({ app, alice, collection }) => {
  await app.processing!.pause();
  const up = await restUpload(alice, await cameraPhoto({ width: 2000, height: 1500, seed: 11 }), { collection, slug: 'lighthouse' });
  expect(up.body).toMatchObject({ status: 'processing', src: null, srcset: null });
  const pending = (await alice.gql(ImageDeliveryDocument, { id: up.body.id })).data?.image;
  expect(pending).toMatchObject({ status: 'PROCESSING', src: null, srcset: null, full: null, medium: null, notInTable: null, variants: [] });
  await app.processing!.resume();

  const rest = await waitForImage(alice, up.body.id);
  const url = (size: number) => `${app.url}/cdn/${collection}/${size}/lighthouse.webp`;
  const srcset = VARIANT_SIZES.filter((s) => s !== 0).map((s) => `${url(s)} ${s}w`).join(', ');
  expect(rest).toMatchObject({ status: 'ready', src: url(768), srcset });

  const image = (await alice.gql(ImageDeliveryDocument, { id: up.body.id })).data?.image;
  expect(image).toMatchObject({ status: 'READY', src: url(768), srcset, full: url(0), medium: url(768), notInTable: null, collection: { id: collection } });
  expect(image?.variants.map((v) => v.url)).toEqual(VARIANT_SIZES.map(url));
  for (const candidate of [image!.src!, ...image!.srcset!.split(', ').map((c) => c.split(' ')[0]!)]) {
    expect((await fetch(candidate)).status, candidate).toBe(200);
  }
});
