
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Error": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationAcceptInvitationResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "Team",
      "ValidationError"
    ],
    "MutationCompleteDirectUploadResult": [
      "AppError",
      "ConflictError",
      "Image",
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
    "MutationCreateDirectUploadResult": [
      "AppError",
      "ConflictError",
      "DirectUpload",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateTeamResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "Team",
      "ValidationError"
    ],
    "MutationCreateUploadTokenResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "UploadToken",
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
    "MutationInviteMemberResult": [
      "AppError",
      "ConflictError",
      "Invitation",
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
    "MutationRemoveMemberResult": [
      "AppError",
      "ConflictError",
      "Deleted",
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
    "MutationSignImageUrlsResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "SignedImageUrls",
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
    "MutationUpdateMemberResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "TeamMember",
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
    "MutationAcceptInvitationResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "Team",
      "ValidationError"
    ],
    "MutationCompleteDirectUploadResult": [
      "AppError",
      "ConflictError",
      "Image",
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
    "MutationCreateDirectUploadResult": [
      "AppError",
      "ConflictError",
      "DirectUpload",
      "NotFoundError",
      "QuotaExceededError",
      "ValidationError"
    ],
    "MutationCreateTeamResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "Team",
      "ValidationError"
    ],
    "MutationCreateUploadTokenResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "UploadToken",
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
    "MutationInviteMemberResult": [
      "AppError",
      "ConflictError",
      "Invitation",
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
    "MutationRemoveMemberResult": [
      "AppError",
      "ConflictError",
      "Deleted",
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
    "MutationSignImageUrlsResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "SignedImageUrls",
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
    "MutationUpdateMemberResult": [
      "AppError",
      "ConflictError",
      "NotFoundError",
      "QuotaExceededError",
      "TeamMember",
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
    