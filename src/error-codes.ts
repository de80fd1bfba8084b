/**
 * Every code an AppError can carry, with what it means. One list for REST bodies, the GraphQL
 * `ErrorCode` enum and TypeScript: a service cannot throw a code that clients were not told about.
 */
export const ERROR_CODES = {
  // generic, the defaults of the AppError subclasses
  BAD_REQUEST: 'The request is malformed.',
  UNAUTHENTICATED: 'Not signed in, or the session or API key is no longer valid.',
  FORBIDDEN: 'Signed in, but not allowed to do this.',
  NOT_FOUND: 'No such object (or it belongs to someone else).',
  CONFLICT: 'The request conflicts with the current state.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  // outages
  UNAVAILABLE: 'A backing service (database or storage) cannot be reached right now; retry after the Retry-After seconds.',
  // request bodies
  INVALID_INPUT: 'A required input is missing or has the wrong type.',
  INVALID_JSON: 'The body is not a JSON object.',
  UNSUPPORTED_MEDIA_TYPE: 'The body has the wrong content type.',
  BODY_TOO_LARGE: 'The JSON body is larger than the limit.',
  INVALID_MULTIPART: 'The multipart body is malformed.',
  UPLOAD_ABORTED: 'The upload was interrupted before it ended.',
  MISSING_FIELD: 'A required upload field is missing.',
  FIELD_TOO_LARGE: 'A multipart form field is longer than allowed.',
  TOO_MANY_FIELDS: 'The multipart body has more fields than allowed.',
  TOO_MANY_FILES: 'More than one file in one request: send one file per request.',
  FILE_MISSING: "The GraphQL multipart map names a file part the request does not contain.",
  CSRF_HEADER_REQUIRED: 'A multipart GraphQL request needs a CSRF preflight header (x-graphql-yoga-csrf, graphql-preflight or apollo-require-preflight).',
  // accounts
  INVALID_EMAIL: 'The email address is not valid.',
  WEAK_PASSWORD: 'The password is too short.',
  EMAIL_TAKEN: 'An account with this email already exists.',
  INVALID_CREDENTIALS: 'Wrong email or password.',
  LOGIN_THROTTLED: 'Too many failed logins; try again later.',
  API_KEY_NOT_FOUND: 'No such API key.',
  UNKNOWN_PLAN: 'No such plan.',
  USER_NOT_FOUND: 'No such user.',
  // collections
  INVALID_NAME: 'The name is empty or longer than 100 characters.',
  COLLECTION_NOT_FOUND: 'No such collection.',
  COLLECTION_FORBIDDEN: 'The collection does not exist or is not yours.',
  INVALID_FORMATS: 'formats must be a list of "webp" and "avif" that includes "webp".',
  INVALID_VARIANTS: 'variants must be at most 20 named boxes {name, width, height, fit: cover|contain|inside} with distinct names.',
  INVALID_FOCAL_POINT: 'focalPoint must be {x, y} with both between 0 and 1.',
  INVALID_METADATA_POLICY: 'metadata must be "none" or "copyright".',
  INVALID_COLOR_PROFILE: 'colorProfile must be "srgb" or "wide".',
  REPROCESS_RUNNING: 'A reprocessing of this collection is already running.',
  // images
  INVALID_CHECKSUM: 'The checksum is not 64 hex characters.',
  CHECKSUM_MISMATCH: 'The checksum is not the SHA-256 of the uploaded bytes.',
  INVALID_SLUG: 'The slug is not lowercase words joined by hyphens (at most 100 characters).',
  SLUG_TAKEN: 'The slug is already used in this collection.',
  EMPTY_FILE: 'The file is empty.',
  FILE_TOO_LARGE: 'The file is larger than the upload limit.',
  UNSUPPORTED_FORMAT: 'The file is not a JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF image.',
  INVALID_IMAGE: 'The file is damaged or not the image it claims to be.',
  IMAGE_TOO_LARGE: 'The image has more pixels than the limit.',
  TOO_MANY_FRAMES: 'The animation has more frames than the limit.',
  IMAGE_NOT_FOUND: 'No such image.',
  NOT_RETRYABLE: 'The image is not failed, failed because of its file, or its original is gone.',
  // webhooks
  INVALID_WEBHOOK_URL: 'The webhook URL is not an http(s) URL (without credentials) whose host resolves.',
  WEBHOOK_URL_FORBIDDEN: 'The webhook URL resolves to a loopback, private, link-local or otherwise non-public address.',
  INVALID_WEBHOOK_EVENTS: 'The webhook events are not a non-empty list of known events.',
  WEBHOOK_LIMIT: 'The account has as many webhooks as allowed.',
  WEBHOOK_NOT_FOUND: 'No such webhook.',
  DELIVERY_NOT_FOUND: 'No such webhook delivery.',
  // resumable uploads (tus)
  INVALID_UPLOAD_METADATA: 'Upload-Metadata is missing a required key (filename, collection, checksum) or has a bad value.',
  UPLOAD_NOT_FOUND: 'No such resumable upload (or it is not yours).',
  UPLOAD_EXPIRED: 'The resumable upload expired before it was finished; start a new one.',
  UPLOAD_OFFSET_MISMATCH: 'Upload-Offset is not where the upload stands: ask with HEAD and continue from there.',
  UPLOAD_LOCKED: 'Another request is writing to this upload.',
  TUS_PROTOCOL: 'The request does not follow the tus 1.0 protocol (a header is missing or invalid).',
  // quota, processing, storage
  QUOTA_EXCEEDED: "This month's upload quota is used up.",
  PROCESSING_TIMEOUT: 'Processing took too long and was stopped.',
  OBJECT_NOT_FOUND: 'A stored file is missing.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
