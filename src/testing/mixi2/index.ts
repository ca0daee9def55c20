// Emulator of mixi2 (filled by its issue).
export {};
