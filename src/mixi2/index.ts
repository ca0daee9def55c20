/**
 * streamrx/mixi2: the mixi2 Application API (v1.2.0) as cold RxJS Observables — the event stream, the 15
 * unary RPCs, and the signed webhook receiver — plus the generated wire types and codecs.
 *
 * @example
 * ```ts
 * import { mixi2Client, clientCredentials, isPostCreated } from 'streamrx/mixi2';
 * const client = mixi2Client({ auth: clientCredentials({ clientId, clientSecret }) });
 * client.events().pipe(filter(isPostCreated)).subscribe((e) => console.log(e.body.value.post?.text));
 * ```
 * @module streamrx/mixi2
 */
export * from './protocol.js';
export type { Mixi2Auth } from './auth.js';
export { clientCredentials, type ClientCredentialsOptions } from './client-credentials.js';
export { mixi2Endpoints } from './endpoints.js';
export { credentialsFor, isLoopbackTarget } from './transport-credentials.js';
export { mixi2Client, type Mixi2Client, type Mixi2ClientOptions } from './client.js';
export { mixi2ClientFromEnv, type Mixi2ClientFromEnvOptions } from './client-from-env.js';
export type { Mixi2EventsOptions } from './event-stream.js';
export type { Mixi2Gap } from './gap.js';
export type { Mixi2Api, Mixi2ApiMethod } from './api.js';
export { mixi2RateLimitTables, type Mixi2RateLimitTable } from './rate-limit-tables.js';
export type { Mixi2RateLimitOptions } from './rpc-governor.js';
export { mixi2MediaLimits, type Mixi2Media } from './media-input.js';
export type { Mixi2MediaPolling } from './media-status-poll.js';
export { Mixi2MediaFailedError } from './media-errors.js';
export {
  uploadedMediaId,
  type Mixi2UploadOptions,
  type Mixi2UploadProgress,
  type Mixi2UploadCompleted,
  type Mixi2UploadEvent,
} from './upload-media.js';
export type { DeepPartial, DeepPartialCase, DeepPartialLeaf, OneofMember } from './deep-partial.js';
export { grpcErrorToStreamRx, isGrpcStatusError } from './grpc-errors.js';
export {
  isEventOf,
  isPing,
  isPostCreated,
  isChatMessageReceived,
  isCommunityMemberChanged,
  isCommunityPluginManaged,
  type Mixi2EventKind,
  type Mixi2EventOf,
  type Mixi2EventCase,
} from './event-narrowing.js';
export { decodeMixi2Events, encodeMixi2Events } from './decode-events.js';
export {
  mixi2WebhookVerifier,
  mixi2PublicKey,
  MIXI2_SIGNATURE_HEADER,
  MIXI2_TIMESTAMP_HEADER,
  type Mixi2WebhookVerifyOptions,
  type Mixi2WebhookDelivery,
} from './webhook-verify.js';
export { mixi2WebhookHandler, type Mixi2WebhookHandler, type Mixi2WebhookHandlerOptions } from './webhook-handler.js';
export { mixi2Webhook, type Mixi2WebhookOptions } from './webhook-server.js';
export { mixi2ReconnectPolicy } from '../core/retry-backoff.js';
export { mixi2EventTime, timestampMillis } from './event-time.js';
export { fitMixi2PostText, MIXI2_MAX_POST_CHARS } from './post-text.js';
