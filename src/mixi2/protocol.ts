/**
 * The mixi2 wire types (API v1.2.0) as generated from `protos/` by ts-proto, re-exported under one roof.
 * Every message comes with its codec (`Event.encode(e).finish()`, `Event.decode(bytes)`, `Event.fromPartial`).
 * Oneofs are discriminated unions on `$case`; `uint64` fields are `bigint`; proto3 `optional` fields are
 * absent (`undefined`) unless set.
 *
 * @example
 * ```ts
 * import { Event, EventType } from 'streamrx/mixi2';
 * const bytes = Event.encode(Event.fromPartial({ eventId: 'e1', eventType: EventType.EVENT_TYPE_PING,
 *   body: { $case: 'pingEvent', value: {} } })).finish();
 * Event.decode(bytes).eventId; // 'e1'
 * ```
 * @module
 */
export { ApplicationRequirement } from './gen/social/mixi/application/const/v1/application_requirement.js';
export { CommunityAccessLevel } from './gen/social/mixi/application/const/v1/community_access_level.js';
export { CommunityVisibility } from './gen/social/mixi/application/const/v1/community_visibility.js';
export { EventType, EventReason } from './gen/social/mixi/application/const/v1/event_type.js';
export { LanguageCode } from './gen/social/mixi/application/const/v1/language_code.js';
export { MediaType } from './gen/social/mixi/application/const/v1/media_type.js';
export { PostAccessLevel } from './gen/social/mixi/application/const/v1/post_access_level.js';
export { PostMaskType } from './gen/social/mixi/application/const/v1/post_mask_type.js';
export { PostMediaType } from './gen/social/mixi/application/const/v1/post_media_type.js';
export { PostPublishingType } from './gen/social/mixi/application/const/v1/post_publishing_type.js';
export { PostVisibility } from './gen/social/mixi/application/const/v1/post_visibility.js';
export { StampSetType } from './gen/social/mixi/application/const/v1/stamp_set_type.js';
export { UserAccessLevel } from './gen/social/mixi/application/const/v1/user_access_level.js';
export { UserVisibility } from './gen/social/mixi/application/const/v1/user_visibility.js';
export { ApplicationVersion } from './gen/social/mixi/application/model/v1/application.js';
export { Community, CommunityUsingApplication } from './gen/social/mixi/application/model/v1/community.js';
export {
  Event,
  PingEvent,
  PostCreatedEvent,
  CommunityMemberChangedEvent,
  ChatMessageReceivedEvent,
  CommunityPluginManagedEvent,
} from './gen/social/mixi/application/model/v1/event.js';
export { Media, MediaImage, MediaVideo, MediaStamp } from './gen/social/mixi/application/model/v1/media.js';
export { ChatMessage } from './gen/social/mixi/application/model/v1/message.js';
export { Post, PostMedia, PostMediaImage, PostMediaVideo, PostMask, PostStamp } from './gen/social/mixi/application/model/v1/post.js';
export { OfficialStampSet, OfficialStamp, CommunityStampSet, CommunityStamp } from './gen/social/mixi/application/model/v1/stamp.js';
export { User, UserAvatar } from './gen/social/mixi/application/model/v1/user.js';
export { Timestamp } from './gen/google/protobuf/timestamp.js';
export {
  GetUsersRequest,
  GetUsersResponse,
  GetPostsRequest,
  GetPostsResponse,
  GetCommunitiesRequest,
  GetCommunitiesResponse,
  InitiatePostMediaUploadRequest,
  InitiatePostMediaUploadRequest_Type,
  InitiatePostMediaUploadResponse,
  GetPostMediaStatusRequest,
  GetPostMediaStatusResponse,
  GetPostMediaStatusResponse_Status,
  CreatePostRequest,
  CreatePostResponse,
  DeletePostRequest,
  DeletePostResponse,
  GetCommunityTimelineRequest,
  GetCommunityTimelineResponse,
  GetCommunityMemberListRequest,
  GetCommunityMemberListResponse,
  RestrictCommunityPostRequest,
  RestrictCommunityPostResponse,
  GetCommunitiesUsingApplicationRequest,
  GetCommunitiesUsingApplicationResponse,
  SendChatMessageRequest,
  SendChatMessageResponse,
  GetStampsRequest,
  GetStampsResponse,
  AddStampToPostRequest,
  AddStampToPostResponse,
  SendDirectMessageToCommunityMemberRequest,
  SendDirectMessageToCommunityMemberResponse,
} from './gen/social/mixi/application/service/application_api/v1/service.js';
export {
  SubscribeEventsRequest,
  SubscribeEventsResponse,
} from './gen/social/mixi/application/service/application_stream/v1/service.js';
export { SendEventRequest } from './gen/social/mixi/application/service/client_endpoint/v1/service.js';
