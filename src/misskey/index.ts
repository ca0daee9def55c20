/**
 * streamrx/misskey: Misskey's streaming and HTTP APIs as cold RxJS Observables over one shared socket,
 * with reconnect, resubscribe, gap-fill and typed errors.
 *
 * @example
 * ```ts
 * import { misskey } from 'streamrx/misskey';
 * const client = misskey({ origin: 'https://misskey.example', token });
 * client.channel('localTimeline').subscribe((m) => console.log(m.body.text));
 * ```
 * @module streamrx/misskey
 */
export { misskey, type MisskeyClient, type MisskeyOptions, type ChannelOptions, type ApiCallOptions, type RateLimitsView } from './client.js';
export { misskeyFromEnv, type MisskeyFromEnvOptions } from './client-from-env.js';
export { MisskeyApiError, misskeyErrorOf, type MisskeyErrorBody } from './api-error.js';
export { parseFrame, isMalformed, type MisskeyFrame, type MalformedFrame, type MalformedReason } from './frame.js';
export type { GapFill } from './gap-fill.js';
export { undiciTransport } from './undici-transport.js';
export { nodeHttpTransport, fetchTransport, type HttpTransport, type UploadTransport, type HttpAnswer, type HttpExchange, type FetchLike } from './http-transport.js';
export { defaultHttpRetry, type UploadProgressListener } from './http-api.js';
export { isFileValue, type FileValue, type SizedReadable } from './file-value.js';
export { multipartBody, type MultipartBody } from './multipart-body.js';
export { rateLimitHoldMs } from './rate-limit-hold.js';
export { misskeyUserRateLimits } from './user-rate-limits.js';
export { uploadedDriveFile, type DriveUploadEvent, type DriveUploadProgress, type DriveUploadCompleted, type UploadFileOptions } from './upload-file.js';
export type { MisskeyClientStats } from './session.js';
export type { WebSocketLike, WebSocketConstructor } from './socket-link.js';
export { timelineEndpoints, type TimelineEndpoint } from './timeline-endpoints.js';
export type {
  ApiParams,
  BroadcastMessage,
  BroadcastType,
  ChannelMessage,
  ChannelName,
  ChannelOutbound,
  ChannelParams,
  DriveFile,
  EndpointName,
  EndpointParams,
  EndpointResponse,
  EventsOf,
  MultipartEndpointName,
  Note,
  NoteUpdate,
  NoteUpdatedEvent,
  PayloadOf,
  WithFileValues,
} from './types.js';
export { misskeyNoteTime } from './event-time.js';
