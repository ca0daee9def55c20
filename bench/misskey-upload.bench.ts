/**
 * Misskey upload benchmark: a 10 MB PNG to `drive/files/create` through `client.uploadFile` (streamed
 * multipart over node:http) against a hand-written `FormData` + global `fetch` upload of the same bytes.
 * The emulator runs in a child process (this file, started with MISSKEY_UPLOAD_BENCH_CHILD=1), so the
 * figures are bytes per second of the measuring process's CPU (user + system), which stays comparable on a
 * loaded machine; wall-clock rates are printed in the note. The same bytes each time: the emulator finds the
 * stored file by MD5, as a real server does, so no variant pays for a growing drive.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { lastValueFrom } from 'rxjs';
import { misskey, type MisskeyClient } from '../src/misskey/index.js';
import { startMisskeyEmulator, type MisskeyEmulator } from '../src/testing/misskey/index.js';
import { BenchChild, isBenchChild, serveBenchChild } from './child-process.js';
import type { Comparison } from './harness.js';

const FILE_BYTES = 10 * 1024 * 1024;
/** Uploads per run: one 10 MB upload is a few ms of CPU, too short to time alone. */
const UPLOADS = 8;
const CHILD_FLAG = 'MISSKEY_UPLOAD_BENCH_CHILD';

type ChildCommand = { cmd: 'start' };

if (isBenchChild(CHILD_FLAG)) {
  let emulator: MisskeyEmulator | undefined;
  serveBenchChild<ChildCommand>(
    async () => {
      emulator = await startMisskeyEmulator({ record: false });
      return emulator.origin;
    },
    () => emulator?.close(),
  );
}

/** A PNG signature and header, then random bytes: what the emulator's content sniffing accepts as an image. */
function pngOf(size: number): Uint8Array {
  const bytes = randomBytes(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0]).copy(bytes);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

const wall = new Map<string, number>();

/** Runs `UPLOADS` uploads one after the other; returns MB per CPU-second, remembers MB per wall-second. */
async function mbPerCpuSecond(label: string, upload: () => Promise<unknown>): Promise<number> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < UPLOADS; i++) await upload();
  const cpu = process.cpuUsage(cpuBefore);
  const megabytes = (UPLOADS * FILE_BYTES) / 1e6;
  wall.set(label, megabytes / ((performance.now() - started) / 1000));
  return megabytes / ((cpu.user + cpu.system) / 1e6);
}

function uploadComparison(): Comparison {
  const child = new BenchChild<ChildCommand>(import.meta.url, CHILD_FLAG);
  const bytes = pngOf(FILE_BYTES);
  let origin = '';
  let client: MisskeyClient | undefined;
  const byFetch = async (): Promise<unknown> => {
    const form = new FormData();
    form.append('i', 'alice-token');
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'bench.png');
    const res = await fetch(`${origin}/api/drive/files/create`, { method: 'POST', body: form });
    if (res.status !== 200) throw new Error(`baseline upload failed: ${res.status}`);
    return res.json();
  };
  return {
    name: 'misskey uploadFile 10 MB vs FormData + fetch',
    unit: 'MB/cpu-s',
    goal: '>= 0.95',
    setup: async () => {
      child.start();
      origin = await child.call<string>({ cmd: 'start' });
      client = misskey({ origin, token: 'admin-token' });
    },
    teardown: async () => {
      child.stop();
    },
    baseline: () => mbPerCpuSecond('fetch', byFetch),
    subject: () => mbPerCpuSecond('uploadFile', () => lastValueFrom((client as MisskeyClient).uploadFile(bytes, { name: 'bench.png' }))),
    note: () => `last round wall-clock: FormData + fetch ${Math.round(wall.get('fetch') ?? 0)} MB/s, uploadFile ${Math.round(wall.get('uploadFile') ?? 0)} MB/s`,
  };
}

export default (isBenchChild(CHILD_FLAG) ? [] : [uploadComparison()]) satisfies Comparison[];
