/** Every entity, in one list for the DataSource (assembled here, like schema.ts: db/ knows no module). */
import { ApiKey } from './modules/accounts/api-key.entity.ts';
import { Membership } from './modules/accounts/membership.entity.ts';
import { Team } from './modules/accounts/team.entity.ts';
import { LoginThrottle } from './modules/accounts/login-throttle.entity.ts';
import { Session } from './modules/accounts/session.entity.ts';
import { User } from './modules/accounts/user.entity.ts';
import { Collection } from './modules/collections/collection.entity.ts';
import { SigningKey } from './modules/delivery/signing-key.entity.ts';
import { DirectUpload } from './modules/direct-uploads/direct-upload.entity.ts';
import { ImageVariant } from './modules/images/image-variant.entity.ts';
import { Image } from './modules/images/image.entity.ts';
import { ReprocessRun } from './modules/images/reprocess-run.entity.ts';
import { Invitation } from './modules/teams/invitation.entity.ts';
import { UploadToken } from './modules/teams/upload-token.entity.ts';
import { Usage } from './modules/quota/usage.entity.ts';
import { ResumableUpload } from './modules/uploads/resumable-upload.entity.ts';
import { WebhookAttempt, WebhookDelivery } from './modules/webhooks/webhook-delivery.entity.ts';
import { Webhook } from './modules/webhooks/webhook.entity.ts';

export const ENTITIES = [User, Session, ApiKey, LoginThrottle, Collection, Image, ImageVariant, ReprocessRun, Usage, Webhook, WebhookDelivery, WebhookAttempt, ResumableUpload, Team, Membership, Invitation, UploadToken, SigningKey, DirectUpload];
