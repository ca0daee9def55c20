import {
  ApplicationRequirement,
  GetPostMediaStatusResponse_Status,
  InitiatePostMediaUploadRequest_Type,
  LanguageCode,
  StampSetType,
  type ApplicationVersion,
  type ChatMessage,
  type Community,
  type CommunityStampSet,
  type OfficialStampSet,
  type Post,
  type User,
} from '../../mixi2/protocol.js';
import { buildMixi2Community, buildMixi2Post, buildMixi2User, mixi2Timestamp } from './builders.js';

/**
 * A builder value the emulator's store can hold: a post, a user, a community or a chat message.
 *
 * @example
 * ```ts
 * const values: Mixi2Registrable[] = [buildMixi2User(), buildMixi2Post()];
 * ```
 */
export type Mixi2Registrable = Post | User | Community | ChatMessage;

/**
 * One media upload the emulator knows of.
 *
 * @example
 * ```ts
 * emulator.store.media.get(mediaId)?.status;
 * ```
 */
export interface EmulatedMedia {
  /** Its id. */
  mediaId: string;
  /** The size announced by InitiatePostMediaUpload. */
  dataSize: bigint;
  /** The content type announced by InitiatePostMediaUpload. */
  contentType?: string;
  /** The media type announced by InitiatePostMediaUpload (1 image, 2 video). */
  mediaType?: InitiatePostMediaUploadRequest_Type;
  /** The description announced by InitiatePostMediaUpload, if any. */
  description?: string;
  /** Upload and processing status. */
  status: GetPostMediaStatusResponse_Status;
  /** When the upload URL stops being accepted (emulator clock, ms); `-Infinity` for a URL issued expired. */
  uploadUrlExpiresAt: number;
  /** The bytes received on the upload URL, once received in full. */
  bytes?: Buffer;
  /** The `Content-Type` of the upload POST. */
  uploadContentType?: string;
  /** Polls still answered PROCESSING before the result. */
  pollsLeft?: number;
  /** Whether processing ends FAILED. */
  willFail?: boolean;
}

/**
 * The emulated mixi2 world behind the API: users, posts, communities (with members and installation),
 * stamps, media and chat messages. Tests read and seed it directly.
 *
 * @example
 * ```ts
 * emulator.store.addUser(buildMixi2User({ userId: 'user-carol' }));
 * ```
 */
export class Mixi2Store {
  /** The application's own user (creator of the posts it makes). */
  readonly app: User = buildMixi2User({ userId: 'app-bot', name: 'bot', displayName: 'Emulated Bot' });
  /** Users by id. */
  readonly users = new Map<string, User>();
  /** Posts by id, in creation order. */
  readonly posts = new Map<string, Post>();
  /** Communities by id. */
  readonly communities = new Map<string, Community>();
  /** Member user ids per community id. */
  readonly members = new Map<string, string[]>();
  /** Community ids where the application is installed, with the version each uses. */
  readonly installations = new Map<string, string>();
  /** The application's versions (requirement sets). */
  readonly versions: ApplicationVersion[] = [
    {
      applicationVersionId: 'version-1',
      applicationId: 'app-1',
      requirements: [
        ApplicationRequirement.APPLICATION_REQUIREMENT_PERMISSION_COMMUNITY_POST_READ,
        ApplicationRequirement.APPLICATION_REQUIREMENT_EVENT_REACTION_MENTION,
      ],
    },
  ];
  /** Ids of posts hidden from community timelines. */
  readonly restricted = new Set<string>();
  /** Media uploads by id. */
  readonly media = new Map<string, EmulatedMedia>();
  /** Chat and direct messages the application sent, in order. */
  readonly messages: ChatMessage[] = [];
  /** Chat messages the application received (registered from pushed events or {@link Mixi2Store.register}), by id. */
  readonly receivedMessages = new Map<string, ChatMessage>();
  /** Official stamp sets (the same in every language). */
  readonly officialStamps: OfficialStampSet[] = [
    {
      name: 'Default',
      spriteUrl: 'https://static.example/stamps/default.png',
      stamps: [
        { stampId: 'o_cracker', index: 0, searchTags: ['party', 'クラッカー'], url: 'https://static.example/stamps/o_cracker.png' },
        { stampId: 'o_heart', index: 1, searchTags: ['love'], url: 'https://static.example/stamps/o_heart.png' },
      ],
      stampSetId: 'set-default',
      stampSetType: StampSetType.STAMP_SET_TYPE_DEFAULT,
    },
  ];
  /** Stamp sets of communities. */
  readonly communityStamps: CommunityStampSet[] = [];
  private counter = 0;

  constructor() {
    const alice = this.addUser(buildMixi2User({ userId: 'user-alice', name: 'alice', displayName: 'Alice' }));
    const bob = this.addUser(buildMixi2User({ userId: 'user-bob', name: 'bob', displayName: 'Bob' }));
    this.addUser(this.app);
    const community = this.addCommunity(buildMixi2Community({ communityId: 'community-cats', name: 'Cats', purpose: 'photos of cats' }));
    this.members.set(community.communityId, [alice.userId, bob.userId]);
    this.installations.set(community.communityId, 'version-1');
    this.communityStamps.push({
      communityId: community.communityId,
      stamps: [{ stampId: 'c_cat', url: 'https://static.example/stamps/c_cat.png', searchTags: ['cat'] }],
    });
    this.addPost(buildMixi2Post({ postId: 'post-hello', creatorId: alice.userId, text: 'hello @bot' }));
    this.addPost(buildMixi2Post({ postId: 'post-cat', creatorId: bob.userId, text: 'my cat', communityId: community.communityId }));
  }

  /** A fresh id with a prefix. */
  nextId(prefix: string): string {
    return `${prefix}-emu-${++this.counter}`;
  }

  /** Adds or replaces a user. */
  addUser(user: User): User {
    this.users.set(user.userId, user);
    return user;
  }

  /** Adds or replaces a post. */
  addPost(post: Post): Post {
    this.posts.set(post.postId, post);
    return post;
  }

  /** Adds or replaces a community. */
  addCommunity(community: Community): Community {
    this.communities.set(community.communityId, community);
    return community;
  }

  /**
   * Makes builder values known to the API: posts (GetPosts, replies, stamps), users (GetUsers), communities
   * (GetCommunities) and received chat messages, each added or replaced by id.
   *
   * @example
   * ```ts
   * emulator.store.register(buildMixi2User({ userId: 'user-carol' }), buildMixi2Post({ postId: 'post-1', creatorId: 'user-carol' }));
   * ```
   */
  register(...values: readonly Mixi2Registrable[]): void {
    for (const value of values) {
      // A chat message may carry a postId too, so it is told apart first.
      if ('messageId' in value) this.receivedMessages.set(value.messageId, value);
      else if ('postId' in value) this.addPost(value);
      else if ('userId' in value) this.addUser(value);
      else this.addCommunity(value);
    }
  }

  /** Official stamp sets in a language (the emulator has one set, same in every language). */
  officialStampsIn(language: LanguageCode | undefined): OfficialStampSet[] {
    return language === undefined || language === LanguageCode.LANGUAGE_CODE_UNSPECIFIED ? [] : this.officialStamps;
  }

  /** A chat message sent by the application. */
  recordMessage(roomId: string, text: string | undefined, mediaIds: readonly string[], postId?: string): ChatMessage {
    const message: ChatMessage = {
      roomId,
      messageId: this.nextId('message'),
      creatorId: this.app.userId,
      text: text ?? '',
      createdAt: mixi2Timestamp(),
      mediaList: mediaIds.map(() => ({ mediaType: 1, content: undefined })),
      ...(postId === undefined ? {} : { postId }),
    };
    this.messages.push(message);
    return message;
  }
}
