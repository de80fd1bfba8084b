import { VariantQuality1796600000000 } from './1796600000000-VariantQuality.ts';
import { QualitySetting1796140000000 } from './1796140000000-QualitySetting.ts';
import { AddTeams1796486775166 } from './1796486775166-AddTeams.ts';
import { TusFocalPoint1796500000000 } from './1796500000000-TusFocalPoint.ts';
import { PrivateDelivery1796200000000 } from './1796200000000-PrivateDelivery.ts';
import { ArtDirection1796486472109 } from './1796486472109-ArtDirection.ts';
import { UploadLocks1796131704938 } from './1796131704938-UploadLocks.ts';
import { WebhookLogRetention1796130925677 } from './1796130925677-WebhookLogRetention.ts';
import { AddResumableUploads1796125636776 } from './1796125636776-AddResumableUploads.ts';
import { DeliveryExtras1796125387764 } from './1796125387764-DeliveryExtras.ts';
import { ImagePageIndexes1796125170944 } from './1796125170944-ImagePageIndexes.ts';
import { AddWebhooks1796125139911 } from './1796125139911-AddWebhooks.ts';
import { AddImagesAndUsage1795922725609 } from './1795922725609-AddImagesAndUsage.ts';
import { Initial1795922192201 } from './1795922192201-Initial.ts';
/** Migrations in the order they run. Add new ones at the end (`npm run migration:generate -- Name`). */
export const MIGRATIONS: (new () => object)[] = [Initial1795922192201,
  AddImagesAndUsage1795922725609,
  AddWebhooks1796125139911,
  ImagePageIndexes1796125170944,
  DeliveryExtras1796125387764,
  AddResumableUploads1796125636776,
  WebhookLogRetention1796130925677,
  UploadLocks1796131704938,
  QualitySetting1796140000000,
  PrivateDelivery1796200000000,
  ArtDirection1796486472109,
  AddTeams1796486775166,
  TusFocalPoint1796500000000,
  VariantQuality1796600000000,
];
