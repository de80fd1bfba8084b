/**
 * Who may change a collection's delivery, sign an image's URLs or start a direct upload: the one
 * place this module asks. Today it is the collection owner check the collections and images
 * services use; the teams policy (an Actor and `can(actor, action, target)`) replaces it here.
 */
import type { Collection } from '../collections/collection.entity.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { Image } from '../images/image.entity.ts';
import type { ImagesService } from '../images/images.service.ts';

export type DeliveryAction = 'collection.setVisibility' | 'image.signUrls' | 'upload.create';

export class DeliveryAccess {
  constructor(
    private readonly collections: CollectionsService,
    private readonly images: ImagesService,
  ) {}

  /** The collection when `userId` may do `action` on it: 404 for settings (as for any collection read), 403 for uploads (as POST /images answers). */
  collection(userId: string, action: DeliveryAction, collectionId: string): Promise<Collection> {
    return action === 'upload.create' ? this.collections.assertOwned(userId, collectionId) : this.collections.get(userId, collectionId);
  }

  /** The image when `userId` may sign its URLs; 404 otherwise. */
  image(userId: string, _action: 'image.signUrls', imageId: string): Promise<Image> {
    return this.images.get(userId, imageId);
  }
}
