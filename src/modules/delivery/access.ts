/**
 * Who may change a collection's delivery, sign an image's URLs or start a direct upload: this module
 * asks here, and here asks the teams policy (the one place roles, key scopes and upload tokens are
 * decided), through the collections and images services that apply it.
 */
import type { Actor } from '../../auth/actor.ts';
import type { Collection } from '../collections/collection.entity.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { Image } from '../images/image.entity.ts';
import type { ImagesService } from '../images/images.service.ts';
import { assertCan } from '../teams/policy.ts';

export type DeliveryAction = 'collection.setVisibility' | 'image.signUrls' | 'upload.create';

export class DeliveryAccess {
  constructor(
    private readonly collections: CollectionsService,
    private readonly images: ImagesService,
  ) {}

  /**
   * The collection when `actor` may do `action` on it: another team's collection is 404 for settings
   * (as for any collection read) and 403 for uploads (as POST /images answers); beyond one's role, 403.
   */
  async collection(actor: Actor, action: DeliveryAction, collectionId: string): Promise<Collection> {
    // uploading is the policy's `images:upload` (editors and up, and upload tokens), asked by assertOwned
    if (action === 'upload.create') return this.collections.assertOwned(actor, collectionId);
    const collection = await this.collections.get(actor, collectionId);
    assertCan(actor, 'collections:write', { collectionId });
    return collection;
  }

  /** The image when `actor` may read it (and so sign its URLs); 404 otherwise. */
  image(actor: Actor, _action: 'image.signUrls', imageId: string): Promise<Image> {
    return this.images.get(actor, imageId);
  }
}
