/**
 * streamrx/misskey (filled by its issue).
 * @module streamrx/misskey
 */
export {};
