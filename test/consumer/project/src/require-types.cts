// A CommonJS module of a consumer: `require` of the ESM package, typed (TypeScript >= 5.8, module nodenext).
import streamrx = require('streamrx');
import misskeyModule = require('streamrx/misskey');

export const backoff: typeof streamrx.retryBackoff = streamrx.retryBackoff;
export const client: ReturnType<typeof misskeyModule.misskey> = misskeyModule.misskey({ origin: 'http://127.0.0.1:1' });
