/**
 * streamrx/momento (filled by its issue).
 * @module streamrx/momento
 */
export {};
