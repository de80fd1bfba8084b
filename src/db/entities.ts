/** Every entity, in one list for the DataSource. */
import { ApiKey } from '../modules/accounts/api-key.entity.ts';
import { LoginThrottle } from '../modules/accounts/login-throttle.entity.ts';
import { Session } from '../modules/accounts/session.entity.ts';
import { User } from '../modules/accounts/user.entity.ts';
import { Collection } from '../modules/collections/collection.entity.ts';

export const ENTITIES = [User, Session, ApiKey, LoginThrottle, Collection];
