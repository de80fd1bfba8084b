
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Error": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateApiKeyResult": [
      "AppError",
      "ConflictError",
      "NewApiKey",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateCollectionResult": [
      "AppError",
      "Collection",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateWebhookResult": [
      "AppError",
      "ConflictError",
      "NewWebhook",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationDeleteCollectionResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationDeleteImageResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationDeleteWebhookResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationLogInResult": [
      "AppError",
      "AuthPayload",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationRenameCollectionResult": [
      "AppError",
      "Collection",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationReprocessCollectionResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ReprocessRun",
      "ValidationError"
    ],
    "MutationResendWebhookDeliveryResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError",
      "WebhookDelivery"
    ],
    "MutationRetryImageResult": [
      "AppError",
      "ConflictError",
      "Image",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationRevokeApiKeyResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationSetFocalPointResult": [
      "AppError",
      "ConflictError",
      "Image",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationSignUpResult": [
      "AppError",
      "AuthPayload",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationUpdateCollectionResult": [
      "AppError",
      "Collection",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationUploadImageResult": [
      "AppError",
      "ConflictError",
      "Image",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "Node": [
      "ApiKey",
      "Collection",
      "Image",
      "Webhook"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "Error": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateApiKeyResult": [
      "AppError",
      "ConflictError",
      "NewApiKey",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateCollectionResult": [
      "AppError",
      "Collection",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateWebhookResult": [
      "AppError",
      "ConflictError",
      "NewWebhook",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationDeleteCollectionResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationDeleteImageResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationDeleteWebhookResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationLogInResult": [
      "AppError",
      "AuthPayload",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationRenameCollectionResult": [
      "AppError",
      "Collection",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationReprocessCollectionResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ReprocessRun",
      "ValidationError"
    ],
    "MutationResendWebhookDeliveryResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError",
      "WebhookDelivery"
    ],
    "MutationRetryImageResult": [
      "AppError",
      "ConflictError",
      "Image",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationRevokeApiKeyResult": [
      "AppError",
      "ConflictError",
      "Deleted",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationSetFocalPointResult": [
      "AppError",
      "ConflictError",
      "Image",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationSignUpResult": [
      "AppError",
      "AuthPayload",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationUpdateCollectionResult": [
      "AppError",
      "Collection",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationUploadImageResult": [
      "AppError",
      "ConflictError",
      "Image",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "Node": [
      "ApiKey",
      "Collection",
      "Image",
      "Webhook"
    ]
  }
};
      export default result;
    