/**
 * The ingest process of the fan-out proof: reads the mixi2 emulator's event stream and publishes every
 * event once to a Momento topic with fanOutTo. Reports `published` counts to the parent.
 */
import { credentials } from '@grpc/grpc-js';
import { clientCredentials, mixi2Client } from '../../src/mixi2/index.js';
import { fanOutTo } from '../../src/momento/fan-out-to.js';
import { mixi2EventCodec } from '../../src/momento/fan-out-codec.js';
import { topicClientFromEnv } from '../../src/momento/topic-client-from-env.js';
import { NoopMomentoLoggerFactory, TopicConfigurations } from '@gomomento/sdk';

const env = process.env as Record<string, string>;
const loggerFactory = new NoopMomentoLoggerFactory();
// A generous deadline: on a loaded test machine a publish may wait, and a failed one would stop the ingest.
const topics = topicClientFromEnv({ loggerFactory, configuration: TopicConfigurations.Default.latest(loggerFactory).withClientTimeoutMillis(30_000) });
const mixi2 = mixi2Client({
  auth: clientCredentials({ clientId: env.MIXI2_CLIENT_ID!, clientSecret: env.MIXI2_CLIENT_SECRET!, tokenUrl: env.MIXI2_TOKEN_URL! }),
  streamAddress: env.MIXI2_STREAM_ADDRESS!,
  apiAddress: env.MIXI2_STREAM_ADDRESS!,
  credentials: credentials.createInsecure(),
});

let published = 0;
mixi2
  .events()
  .pipe(fanOutTo(topics, env.CACHE_NAME!, env.TOPIC!, { codec: mixi2EventCodec, publish: { concurrency: 16 } }))
  .subscribe({
    next: () => {
      published += 1;
      if (published % 500 === 0) process.send?.({ type: 'published', count: published });
    },
    error: (error: unknown) => {
      process.send?.({ type: 'failed', error: String(error) });
      process.exitCode = 1;
    },
  });
process.on('disconnect', () => process.exit(0));
