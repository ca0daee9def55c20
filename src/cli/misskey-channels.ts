import type { ChannelName } from '../misskey/index.js';

/**
 * What the CLI knows of one Misskey channel.
 *
 * @example
 * ```ts
 * const info: MisskeyChannelInfo = { needsToken: false, requiredParams: ['q'] };
 * ```
 */
export interface MisskeyChannelInfo {
  /** The server refuses it without a token. */
  readonly needsToken: boolean;
  /** The `connect` params it requires, e.g. `q` for `hashtag` (passed with `--params`). */
  readonly requiredParams: readonly string[];
}

/**
 * Every channel of Misskey's streaming API (the keys are checked against `misskey-js`'s `Channels`, so a
 * new channel there fails the type check here until it is listed).
 *
 * @example
 * ```ts
 * misskeyChannels.homeTimeline.needsToken; // true
 * ```
 */
export const misskeyChannels: Readonly<Record<ChannelName, MisskeyChannelInfo>> = Object.freeze({
  main: { needsToken: true, requiredParams: [] },
  homeTimeline: { needsToken: true, requiredParams: [] },
  localTimeline: { needsToken: false, requiredParams: [] },
  hybridTimeline: { needsToken: true, requiredParams: [] },
  globalTimeline: { needsToken: false, requiredParams: [] },
  userList: { needsToken: true, requiredParams: ['listId'] },
  hashtag: { needsToken: false, requiredParams: ['q'] },
  roleTimeline: { needsToken: false, requiredParams: ['roleId'] },
  antenna: { needsToken: true, requiredParams: ['antennaId'] },
  channel: { needsToken: false, requiredParams: ['channelId'] },
  drive: { needsToken: true, requiredParams: [] },
  serverStats: { needsToken: false, requiredParams: [] },
  queueStats: { needsToken: false, requiredParams: [] },
  admin: { needsToken: true, requiredParams: [] },
  reversi: { needsToken: true, requiredParams: [] },
  reversiGame: { needsToken: false, requiredParams: ['gameId'] },
  chatUser: { needsToken: true, requiredParams: ['otherId'] },
  chatRoom: { needsToken: true, requiredParams: ['roomId'] },
});

/**
 * Whether `name` is a Misskey channel name.
 *
 * @example
 * ```ts
 * isMisskeyChannel('localTimeline'); // true
 * ```
 */
export function isMisskeyChannel(name: string): name is ChannelName {
  return Object.hasOwn(misskeyChannels, name);
}
