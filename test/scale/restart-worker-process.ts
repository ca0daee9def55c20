/**
 * The fan-out worker of the restart proof: resumes its topic after the stored position, handles each
 * message (reports it to the parent before the handler completes) with orderedCommit into a file store.
 */
import { NoopMomentoLoggerFactory } from '@gomomento/sdk';
import { Observable } from 'rxjs';
import { fileCursorStore } from '../../src/state/file-cursor-store.js';
import { orderedCommit } from '../../src/state/ordered-commit.js';
import { jsonCodec } from '../../src/momento/fan-out-codec.js';
import { fromFanOut } from '../../src/momento/from-fan-out.js';
import type { TopicPosition } from '../../src/momento/subscribe-at.js';
import { topicClientFromEnv } from '../../src/momento/topic-client-from-env.js';

const env = process.env as Record<string, string>;
const store = fileCursorStore(env.CURSOR_FILE!);
const key = 'fan-out:worker-0';
const resumeAfter = await store.read<TopicPosition>(key);
const topics = topicClientFromEnv({ loggerFactory: new NoopMomentoLoggerFactory() });
const codec = jsonCodec((value: { n: number }) => `k${value.n}`);

const report = (n: number): Observable<never> =>
  new Observable<never>((subscriber) => {
    process.send?.({ type: 'handled', id: String(n) }, undefined, {}, () => subscriber.complete());
  });

fromFanOut(topics, 'cache', env.TOPIC!, { codec, resumeAfter, onDiscontinuity: (gap) => process.send?.({ type: 'discontinuity', gap }) })
  .pipe(
    orderedCommit((m) => report(m.value.n), {
      store,
      key,
      position: (m): TopicPosition => ({ sequenceNumber: m.sequenceNumber, sequencePage: m.sequencePage ?? 0 }),
      concurrency: Number(env.CONCURRENCY),
      commitEvery: Number(env.COMMIT_EVERY),
      maxUncommitted: 2 * Number(env.COMMIT_EVERY),
      commitInterval: 20,
      onCommit: () => process.send?.({ type: 'committed' }),
    }),
  )
  .subscribe({ error: (error: unknown) => process.send?.({ type: 'failed', error: String(error) }) });
