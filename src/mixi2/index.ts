/**
 * streamrx/mixi2 (filled by its issue).
 * @module streamrx/mixi2
 */
export {};
