// Emulator of misskey (filled by its issue).
export {};
