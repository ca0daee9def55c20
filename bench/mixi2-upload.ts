/**
 * mixi2 media upload benchmark: `client.uploadMedia` of 10 MB against a hand-written Initiate + node:http
 * POST + poll, both against one in-process emulator. Both poll without delay (the emulator answers one
 * PROCESSING, then COMPLETED), so the figure is the flow's throughput, not a polling interval.
 */
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { lastValueFrom } from 'rxjs';
import { clientCredentials, GetPostMediaStatusResponse_Status, mixi2Client, uploadedMediaId, type Mixi2Auth, type Mixi2Client } from '../src/mixi2/index.js';
import { ApplicationServiceClient as ApiClient } from '../src/mixi2/gen/social/mixi/application/service/application_api/v1/service.js';
import { startMixi2Emulator, type Mixi2Emulator } from '../src/testing/mixi2/index.js';
import type { Comparison } from './harness.js';

const SIZE = 10 * 1024 * 1024;
const UPLOADS_PER_RUN = 4;

let emulator: Mixi2Emulator;
let auth: Mixi2Auth;
let raw: ApiClient;
let client: Mixi2Client;
let bytes: Buffer;

function unary<Response>(invoke: (metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => void, token: string): Promise<Response> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => invoke(metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

function post(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': String(SIZE) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** The flow as a bot would write it by hand: Initiate, POST the bytes, poll until COMPLETED. */
async function handWrittenUpload(): Promise<string> {
  const token = await auth.token();
  const { mediaId, uploadUrl } = await unary<{ mediaId: string; uploadUrl: string }>(
    (metadata, callback) => raw.initiatePostMediaUpload({ contentType: 'image/png', dataSize: BigInt(SIZE), mediaType: 1 }, metadata, callback),
    token,
  );
  if ((await post(uploadUrl, token)) !== 200) throw new Error('upload refused');
  for (;;) {
    const { status } = await unary<{ status: number }>((metadata, callback) => raw.getPostMediaStatus({ mediaId }, metadata, callback), token);
    if (status === GetPostMediaStatusResponse_Status.STATUS_COMPLETED) return mediaId;
    if (status === GetPostMediaStatusResponse_Status.STATUS_FAILED) throw new Error('processing failed');
  }
}

const streamrxUpload = (): Promise<string> =>
  lastValueFrom(client.uploadMedia({ data: bytes, contentType: 'image/png' }, { polling: { initialDelay: 0 } }).pipe(uploadedMediaId()));

/** Uploads UPLOADS_PER_RUN media one after the other; resolves with MB/s. The emulator forgets the bytes after. */
async function megabytesPerSecond(upload: () => Promise<string>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < UPLOADS_PER_RUN; i++) await upload();
  const seconds = (performance.now() - started) / 1000;
  emulator.store.media.clear();
  return (UPLOADS_PER_RUN * SIZE) / 1e6 / seconds;
}

/** `uploadMedia` vs a hand-written Initiate + node:http POST + poll. */
export const uploadComparison: Comparison = {
  name: 'mixi2 uploadMedia: 10 MB, client.uploadMedia vs hand-written Initiate + node:http POST + poll',
  unit: 'MB/s',
  goal: '>= 0.95',
  async setup() {
    bytes = randomBytes(SIZE);
    emulator = await startMixi2Emulator({ pingInterval: Infinity, relay: false });
    auth = clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl });
    raw = new ApiClient(emulator.apiAddress, credentials.createInsecure());
    // The governor stays on, with no limit on the two RPCs, so that its cost is part of the figure.
    client = mixi2Client({
      auth,
      apiAddress: emulator.apiAddress,
      credentials: credentials.createInsecure(),
      rateLimits: { rules: { initiatePostMediaUpload: [], getPostMediaStatus: [] } },
    });
  },
  async teardown() {
    raw.close();
    await emulator.close();
  },
  baseline: () => megabytesPerSecond(handWrittenUpload),
  subject: () => megabytesPerSecond(streamrxUpload),
  note: (baseline, subject) =>
    `${UPLOADS_PER_RUN} uploads of ${SIZE / 1024 / 1024} MiB per run, emulator in process; streamrx ${subject.toFixed(0)} MB/s, hand-written ${baseline.toFixed(0)} MB/s`,
};
