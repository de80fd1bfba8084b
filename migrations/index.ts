import { DeliveryExtras1796125387764 } from './1796125387764-DeliveryExtras.ts';
import { ImagePageIndexes1796125170944 } from './1796125170944-ImagePageIndexes.ts';
import { AddImagesAndUsage1795922725609 } from './1795922725609-AddImagesAndUsage.ts';
import { Initial1795922192201 } from './1795922192201-Initial.ts';
/** Migrations in the order they run. Add new ones at the end (`npm run migration:generate -- Name`). */
export const MIGRATIONS: (new () => object)[] = [Initial1795922192201, AddImagesAndUsage1795922725609, ImagePageIndexes1796125170944, DeliveryExtras1796125387764];
