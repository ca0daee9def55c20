import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { multipartBody } from '../../src/misskey/index.js';
import { boundaryOf, MultipartParseError, parseMultipart } from '../../src/testing/misskey/multipart-parser.js';
import { Rig } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

const BOUNDARY = '----fuzzboundary42';

async function bytesOf(params: Record<string, unknown>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of multipartBody(params, BOUNDARY).chunks()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A well-formed body, then cut, spliced or mutated: what a broken client or a hostile one may send. */
const malformed = fc
  .tuple(
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
    fc.uint8Array({ maxLength: 64 }),
    fc.oneof(
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), junk: fc.uint8Array({ maxLength: 40 }) }),
      fc.record({ kind: fc.constant('junk' as const), junk: fc.uint8Array({ maxLength: 200 }) }),
      fc.record({ kind: fc.constant('text' as const), junk: fc.string({ maxLength: 200 }).map((s) => s.replace(/X/g, `--${BOUNDARY}`)) }),
    ),
  )
  .map(async ([fields, file, damage]) => {
    const whole = await bytesOf({ ...fields, file });
    const at = 'at' in damage ? damage.at % (whole.length + 1) : 0;
    switch (damage.kind) {
      case 'cut':
        return whole.subarray(0, at);
      case 'flip': {
        const copy = Buffer.from(whole);
        if (at < copy.length) copy[at] = damage.byte;
        return copy;
      }
      case 'splice':
        return Buffer.concat([whole.subarray(0, at), damage.junk, whole.subarray(at)]);
      case 'junk':
        return Buffer.from(damage.junk);
      case 'text':
        return Buffer.from(damage.junk);
    }
  });

describe('the emulator\'s multipart parser (property)', () => {
  it('reads back exactly what the client encoder writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 5 }), fc.uint8Array({ maxLength: 300 }), async (fields, file) => {
        const parts = parseMultipart(await bytesOf({ ...fields, file }), BOUNDARY);
        const escape = (name: string) => name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
        expect(parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.data.toString('utf8')])).toEqual(Object.entries(fields).map(([k, v]) => [escape(k), v]));
        expect(Buffer.from(parts.find((p) => p.filename !== undefined)?.data ?? []).equals(Buffer.from(file))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('either parses damaged bodies or refuses them with MultipartParseError, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(malformed, async (body) => {
        try {
          parseMultipart(await body, BOUNDARY);
        } catch (error) {
          expect(error).toBeInstanceOf(MultipartParseError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads the boundary of multipart content types only', () => {
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(boundaryOf('Multipart/Form-Data;boundary=xyz')).toBe('xyz');
    expect(boundaryOf('application/json')).toBeUndefined();
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeUndefined();
  });
});

describe('the emulator under malformed uploads', () => {
  it('answers a typed 400 INVALID_PARAM to each and keeps serving', async () => {
    const emulator = await rig.emulator();
    const bodies = await fc.sample(malformed, { numRuns: 60, seed: 12 }).reduce<Promise<Buffer[]>>(async (all, body) => [...(await all), await body], Promise.resolve([]));
    for (const body of bodies) {
      const res = await fetch(`${emulator.origin}/api/drive/files/create`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, Authorization: 'Bearer admin-token' },
        body,
      });
      const text = await res.text();
      const answer = (text === '' ? null : JSON.parse(text)) as { error?: { code: string } } | null;
      // A damaged body that still parses is answered as the server would: stored, refused by type, or a
      // bare 400 when no file part is left.
      if (res.status === 400) expect(['INVALID_PARAM', 'UNALLOWED_FILE_TYPE', undefined]).toContain(answer?.error?.code);
      else expect(res.status).toBe(200);
    }
    const me = await fetch(`${emulator.origin}/api/i`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"i":"admin-token"}' });
    expect(me.status).toBe(200);
  });
});
