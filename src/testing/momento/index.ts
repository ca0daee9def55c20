// Emulator of momento (filled by its issue).
export {};
