/**
 * The most characters (Unicode code points) a mixi2 post's text may hold (`CreatePost.text`).
 *
 * @example
 * ```ts
 * if ([...text].length > MIXI2_MAX_POST_CHARS) console.log('too long for one post');
 * ```
 */
export const MIXI2_MAX_POST_CHARS = 149;

/**
 * `text` cut to {@link MIXI2_MAX_POST_CHARS} code points, so `createPost` does not refuse it; a
 * surrogate pair (an emoji) is never split.
 *
 * @example
 * ```ts
 * client.api.createPost({ text: fitMixi2PostText(`@alice you said: ${post.text}`), inReplyToPostId: post.postId });
 * ```
 */
export function fitMixi2PostText(text: string): string {
  const characters = [...text];
  return characters.length <= MIXI2_MAX_POST_CHARS ? text : characters.slice(0, MIXI2_MAX_POST_CHARS).join('');
}
