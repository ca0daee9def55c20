/**
 * Writes an increasing counter to a file cursor store as fast as it can (several writes in flight), and
 * tells the parent each value whose write resolved: the parent SIGKILLs it mid-write and checks the file.
 */
import { fileCursorStore } from '../../src/state/file-cursor-store.js';

const store = fileCursorStore(process.env.CURSOR_FILE!);
let next = ((await store.read<number>('counter')) ?? 0) + 1;
process.send?.({ type: 'started', from: next });
const writeForever = async (): Promise<void> => {
  for (;;) {
    const value = next++;
    await store.write('counter', value);
    await new Promise<void>((resolve) => process.send?.({ type: 'durable', value }, undefined, {}, () => resolve()));
  }
};
void Promise.all([writeForever(), writeForever(), writeForever()]);
