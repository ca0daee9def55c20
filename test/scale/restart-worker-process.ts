/**
 * The fan-out worker of the restart proof: resumes its topic after the stored position, handles each
 * message (reports it to the parent before the handler completes) with orderedCommit into a file store.
 */
import { NoopMomentoLoggerFactory } from '@gomomento/sdk';
import { orderedCommit } from '../../src/state/ordered-commit.js';
import { jsonCodec } from '../../src/momento/fan-out-codec.js';
import { fromFanOut } from '../../src/momento/from-fan-out.js';
import type { TopicPosition } from '../../src/momento/subscribe-at.js';
import { topicClientFromEnv } from '../../src/momento/topic-client-from-env.js';
import { reportFailure, reportHandled, restartCommitOptions, restartStore } from './restart-consumer.js';

const key = 'fan-out:worker-0';
const resumeAfter = await restartStore.read<TopicPosition>(key);
const topics = topicClientFromEnv({ loggerFactory: new NoopMomentoLoggerFactory() });
const codec = jsonCodec((value: { n: number }) => `k${value.n}`);

fromFanOut(topics, 'cache', process.env.TOPIC!, { codec, resumeAfter, onDiscontinuity: (gap) => process.send?.({ type: 'discontinuity', gap }) })
  .pipe(
    orderedCommit(
      (m) => reportHandled(String(m.value.n)),
      restartCommitOptions(key, (m): TopicPosition => ({ sequenceNumber: m.sequenceNumber, sequencePage: m.sequencePage ?? 0 })),
    ),
  )
  .subscribe(reportFailure);
