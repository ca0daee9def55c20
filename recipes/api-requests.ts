import type { Mixi2Api } from '../src/mixi2/index.js';

/**
 * What `api.createPost` accepts: a `CreatePostRequest` whose fields may be left out.
 *
 * @example
 * ```ts
 * const reply: CreatePostArgs = { text: 'thanks!', inReplyToPostId: post.postId };
 * ```
 */
export type CreatePostArgs = NonNullable<Parameters<Mixi2Api['createPost']>[0]>;

/**
 * What `api.sendChatMessage` accepts: a `SendChatMessageRequest` whose fields may be left out.
 *
 * @example
 * ```ts
 * const answer: SendChatMessageArgs = { roomId: message.roomId, text: 'pong' };
 * ```
 */
export type SendChatMessageArgs = NonNullable<Parameters<Mixi2Api['sendChatMessage']>[0]>;
