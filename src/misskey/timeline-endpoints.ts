/** How a timeline channel's missed notes are fetched over HTTP. */
export interface TimelineEndpoint {
  /** The HTTP API endpoint, e.g. `notes/timeline`. */
  endpoint: string;
  /** The endpoint's params for the channel's params (before `sinceId`/`limit`). */
  params(channelParams: Record<string, unknown>): Record<string, unknown>;
  /** The type of the channel messages the endpoint's entries arrive as. @default 'note' */
  messageType?: string;
}

const same = (p: Record<string, unknown>): Record<string, unknown> => ({ ...p });

/**
 * The channels whose notes have an HTTP timeline endpoint accepting `sinceId`, and how their params map.
 *
 * @example
 * ```ts
 * timelineEndpoints['homeTimeline']?.endpoint; // 'notes/timeline'
 * ```
 */
export const timelineEndpoints: Readonly<Record<string, TimelineEndpoint>> = {
  homeTimeline: { endpoint: 'notes/timeline', params: same },
  localTimeline: { endpoint: 'notes/local-timeline', params: same },
  hybridTimeline: { endpoint: 'notes/hybrid-timeline', params: same },
  globalTimeline: { endpoint: 'notes/global-timeline', params: same },
  userList: { endpoint: 'notes/user-list-timeline', params: same },
  antenna: { endpoint: 'antennas/notes', params: (p) => ({ antennaId: p['antennaId'] }) },
  channel: { endpoint: 'channels/timeline', params: (p) => ({ channelId: p['channelId'] }) },
  roleTimeline: { endpoint: 'roles/notes', params: (p) => ({ roleId: p['roleId'] }) },
  hashtag: { endpoint: 'notes/search-by-tag', params: (p) => ({ query: p['q'] }) },
};

/**
 * How the `main` channel's `notification` messages are fetched over HTTP (`i/notifications`, newest first),
 * for a `main` subscription that resumes from a stored notification id.
 *
 * @example
 * ```ts
 * notificationsEndpoint.endpoint; // 'i/notifications'
 * ```
 */
export const notificationsEndpoint: TimelineEndpoint = { endpoint: 'i/notifications', params: () => ({}), messageType: 'notification' };
