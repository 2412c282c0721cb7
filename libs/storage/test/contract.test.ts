import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidKeyError,
  InvalidRangeError,
  MAX_SIGNED_URL_SECONDS,
  NotFoundError,
  StorageError,
  TooLargeError,
  UnavailableError,
  type BlobInfo,
  type BlobStore,
  type StorageDriver,
} from '../src';
import { harnesses, type DriverHarness } from './harness';
import { generatedBody, hashStream, peakRssGrowth, readAll, sha256 } from './helpers';

const MiB = 1024 * 1024;

async function collect(iter: AsyncIterable<BlobInfo>): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const info of iter) out.push(info);
  return out;
}

async function putMany(store: BlobStore, keys: string[], concurrency = 32): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await store.put(key, Buffer.from(key));
      }
    }),
  );
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe.each<StorageDriver>(['fs', 's3', 'gcs'])('BlobStore contract: %s', (driver) => {
  let h: DriverHarness;
  let store: BlobStore;
  let prefix: string;

  beforeAll(async () => {
    h = await harnesses[driver]();
    store = h.store;
    prefix = `contract-${randomUUID()}/`;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('ping succeeds against a healthy backend', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('round-trips bytes with size, sha256, etag, content type and metadata', async () => {
    const key = `${prefix}roundtrip/a.wav`;
    const body = randomBytes(300_000);
    const put = await store.put(key, body, {
      contentType: 'audio/wav',
      metadata: { callid: 'c-1', agent: 'a7' },
    });
    expect(put).toMatchObject({ key, sizeBytes: body.length, sha256: sha256(body) });
    expect(put.etag).toBeTruthy();
    expect(put.etag).not.toMatch(/"/);

    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(body));
    const info = await store.head(key);
    expect(info).toMatchObject({ key, sizeBytes: body.length, contentType: 'audio/wav', etag: put.etag });
    expect(info.metadata).toMatchObject({ callid: 'c-1', agent: 'a7' });
    expect(info.updatedAt).toBeInstanceOf(Date);
  });

  it('streams a multi-chunk Readable and an empty body', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
    const put = await store.put(`${prefix}stream/many`, Readable.from(chunks));
    expect(put.sizeBytes).toBe(500_000);
    expect(put.sha256).toBe(sha256(Buffer.concat(chunks)));

    const empty = await store.put(`${prefix}stream/empty`, Buffer.alloc(0));
    expect(empty.sizeBytes).toBe(0);
    expect((await readAll(await store.get(`${prefix}stream/empty`))).length).toBe(0);
  });

  it('overwrites an existing key', async () => {
    const key = `${prefix}overwrite`;
    await store.put(key, Buffer.from('first version'));
    await store.put(key, Buffer.from('second'));
    expect((await readAll(await store.get(key))).toString()).toBe('second');
    expect((await store.head(key)).sizeBytes).toBe(6);
  });

  it('serves inclusive byte ranges', async () => {
    const key = `${prefix}range/bin`;
    const body = randomBytes(4096);
    await store.put(key, body);
    expect(await readAll(await store.get(key, { range: { start: 10, end: 19 } }))).toEqual(
      body.subarray(10, 20),
    );
    expect(await readAll(await store.get(key, { range: { start: 4000 } }))).toEqual(body.subarray(4000));
    expect(await readAll(await store.get(key, { range: { start: 4090, end: 9999 } }))).toEqual(
      body.subarray(4090),
    );
    await expect(store.get(key, { range: { start: 5000 } })).rejects.toBeInstanceOf(InvalidRangeError);
    await expect(store.get(key, { range: { start: 5, end: 4 } })).rejects.toBeInstanceOf(InvalidRangeError);
  });

  it('head/exists/delete, with delete idempotent and NotFound typed', async () => {
    const key = `${prefix}lifecycle/x`;
    expect(await store.exists(key)).toBe(false);
    await store.put(key, Buffer.from('hello'));
    expect(await store.exists(key)).toBe(true);
    await store.delete(key);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);

    const head = await store.head(key).catch((e: unknown) => e);
    expect(head).toBeInstanceOf(NotFoundError);
    expect(head).toBeInstanceOf(StorageError);
    expect((head as StorageError).code).toBe('NOT_FOUND');
    await expect(store.get(key)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.get(`${prefix}never/written`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists by prefix across pages in byte order, excluding siblings', async () => {
    const base = `${prefix}list/`;
    const keys = Array.from({ length: 25 }, (_, i) => `${base}rec-${String(i).padStart(3, '0')}.wav`);
    keys.push(`${base}nested/deeper/z.wav`, `${base}rec-a-b`, `${base}rec-a/c`);
    await putMany(store, keys);
    await store.put(`${prefix}list-sibling/no.wav`, Buffer.from('no'));
    await store.put(`${prefix}lis`, Buffer.from('no'));

    const paged = h.make({ listPageSize: 7 });
    const listed = await collect(paged.list(base));
    expect(listed.map((i) => i.key)).toEqual([...keys].sort(byteOrder));
    const sample = listed.find((i) => i.key === keys[0]);
    expect(sample?.sizeBytes).toBe(Buffer.byteLength(keys[0]!));

    // A prefix that ends inside a segment matches partial names, as on S3/GCS.
    expect((await collect(paged.list(`${base}rec-a`))).map((i) => i.key)).toEqual([
      `${base}rec-a-b`,
      `${base}rec-a/c`,
    ]);
    expect(await collect(store.list(`${prefix}nothing-here/`))).toEqual([]);
    await paged.close?.();
  });

  it('paginates past the default 1,000-key page', async () => {
    const base = `${prefix}bulk/`;
    const keys = Array.from({ length: 1_050 }, (_, i) => `${base}${String(i).padStart(5, '0')}`);
    await putMany(store, keys, 48);
    const listed = await collect(store.list(base));
    expect(listed.length).toBe(1_050);
    expect(new Set(listed.map((i) => i.key)).size).toBe(1_050);
  });

  it('rejects unsafe keys with InvalidKeyError on every operation', async () => {
    const bad = [
      '',
      '/etc/passwd',
      '../escape',
      'a/../../b',
      'a/./b',
      'a//b',
      'trailing/',
      'back\\slash',
      'nul\0byte',
      '%2e%2e/%2e%2e/etc/passwd',
      'space here',
      'x'.repeat(1025),
      `${'s'.repeat(251)}/ok`,
    ];
    for (const key of bad) {
      const attempts = [
        store.put(key, Buffer.from('x')),
        store.get(key),
        store.head(key),
        store.exists(key),
        store.delete(key),
        store.signedUploadUrl(key, { expiresInSeconds: 60, contentType: 'text/plain', sizeBytes: 1 }),
        store.move(key, `${prefix}ok`),
        store.move(`${prefix}ok`, key),
        store.signedDownloadUrl(key, { expiresInSeconds: 60 }),
      ];
      for (const attempt of attempts) {
        const err = await attempt.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `key ${JSON.stringify(key.slice(0, 40))}`).toBeInstanceOf(InvalidKeyError);
        expect((err as StorageError).code).toBe('INVALID_KEY');
      }
    }
    await expect(collect(store.list('../'))).rejects.toBeInstanceOf(InvalidKeyError);
    // 1,024 bytes (in segments of at most 250) is the documented limit, inclusive.
    const longest = `${prefix}${'k'.repeat(250)}/${'k'.repeat(250)}/${'k'.repeat(250)}/`.padEnd(1024, 'z');
    expect(Buffer.byteLength(longest)).toBe(1024);
    await expect(store.put(longest, Buffer.from('ok'))).resolves.toMatchObject({ sizeBytes: 2 });
  });

  it('aborts uploads over maxBytes with TooLargeError and leaves nothing behind', async () => {
    const key = `${prefix}too-large/big`;
    // Larger than one multipart part on s3, so the abort has real parts to clean up.
    const gen = generatedBody(12 * MiB);
    const err = await store.put(key, gen.stream, { maxBytes: 10 * MiB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooLargeError);
    expect((err as StorageError).code).toBe('TOO_LARGE');
    expect(await store.exists(key)).toBe(false);
    expect(await collect(store.list(`${prefix}too-large/`))).toEqual([]);
    expect(await h.leftovers(key)).toEqual([]);

    const small = await store.put(`${prefix}too-large/small`, Buffer.alloc(10 * MiB, 1), {
      maxBytes: 10 * MiB,
    });
    expect(small.sizeBytes).toBe(10 * MiB); // exactly at the limit is allowed
    await expect(
      store.put(`${prefix}too-large/tiny`, Buffer.from('12345'), { maxBytes: 4 }),
    ).rejects.toBeInstanceOf(TooLargeError);
    expect(await store.exists(`${prefix}too-large/tiny`)).toBe(false);
  });

  it('signed upload URL accepts a real HTTP PUT', async () => {
    const key = `${prefix}signed/up.webm`;
    const body = randomBytes(70_000);
    const signed = await store.signedUploadUrl(key, {
      expiresInSeconds: 120,
      contentType: 'audio/webm',
      sizeBytes: body.length,
    });
    expect(signed.method).toBe('PUT');
    const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const info = await store.head(key);
    expect(info).toMatchObject({ sizeBytes: body.length, contentType: 'audio/webm' });
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(body));
  });

  it('signed upload URL carries the declared size: a larger body is refused and nothing is stored', async () => {
    const key = `${prefix}signed/sized.webm`;
    const signed = await store.signedUploadUrl(key, {
      expiresInSeconds: 120,
      contentType: 'audio/webm',
      sizeBytes: 1_000,
    });
    if (driver === 'gcs') {
      // fake-gcs-server ignores x-goog-content-length-range (GCS enforces it): check it is signed.
      expect(new URL(signed.url).searchParams.get('X-Goog-SignedHeaders')?.split(';')).toContain(
        'x-goog-content-length-range',
      );
      expect(signed.headers['x-goog-content-length-range']).toBe('1000,1000');
      return;
    }
    const res = await fetch(signed.url, {
      method: 'PUT',
      headers: signed.headers,
      body: randomBytes(64_000),
    });
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
    expect(await store.exists(key)).toBe(false);
  });

  it('moves a blob server-side: the source is gone, the target has its bytes and content type', async () => {
    const [from, to] = [`${prefix}move/staging`, `${prefix}move/final/original`];
    const body = randomBytes(30_000);
    await store.put(from, body, { contentType: 'audio/ogg' });
    await store.put(to, Buffer.from('old'), { contentType: 'text/plain' });
    await store.move(from, to);
    expect(await store.exists(from)).toBe(false);
    expect(await store.head(to)).toMatchObject({ sizeBytes: body.length, contentType: 'audio/ogg' });
    expect(sha256(await readAll(await store.get(to)))).toBe(sha256(body));
    await expect(store.move(from, to)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('signed download URL serves the bytes over HTTP', async () => {
    const key = `${prefix}signed/down.wav`;
    const body = randomBytes(50_000);
    await store.put(key, body, { contentType: 'audio/wav' });
    const signed = await store.signedDownloadUrl(key, { expiresInSeconds: 60, filename: 'call 1.wav' });
    expect(signed.method).toBe('GET');
    const res = await fetch(signed.url, { headers: signed.headers });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
  });

  it('caps signed URL lifetime at 15 minutes (clamped, not rejected)', async () => {
    const before = Date.now();
    const up = await store.signedUploadUrl(`${prefix}signed/cap`, {
      expiresInSeconds: 7 * 24 * 3600,
      contentType: 'audio/wav',
      sizeBytes: 1,
    });
    const down = await store.signedDownloadUrl(`${prefix}signed/cap`, { expiresInSeconds: 3600 });
    for (const s of [up, down]) {
      expect(s.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + MAX_SIGNED_URL_SECONDS * 1000);
      expect(s.expiresAt.getTime()).toBeGreaterThanOrEqual(before + (MAX_SIGNED_URL_SECONDS - 2) * 1000);
      const encoded = h.urlExpirySeconds(s.url);
      expect(encoded).toBeLessThanOrEqual(MAX_SIGNED_URL_SECONDS);
      expect(encoded).toBeGreaterThanOrEqual(MAX_SIGNED_URL_SECONDS - 2);
    }
    const short = await store.signedDownloadUrl(`${prefix}signed/cap`, { expiresInSeconds: 30 });
    expect(h.urlExpirySeconds(short.url)).toBeLessThanOrEqual(30);
    await expect(store.signedDownloadUrl(`${prefix}signed/cap`, { expiresInSeconds: 0 })).rejects.toThrow(
      RangeError,
    );
  });

  it('reports UnavailableError when the backend is unreachable', async () => {
    const dead = await h.unreachable();
    try {
      for (const op of [
        () => dead.ping(),
        () => dead.head(`${prefix}x`),
        () => dead.put(`${prefix}x`, Buffer.from('x')),
      ]) {
        const err = await op().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(UnavailableError);
        expect((err as StorageError).code).toBe('UNAVAILABLE');
      }
    } finally {
      await dead.close?.();
    }
  });

  it('streams 200 MB through put and get with bounded memory', async () => {
    const key = `${prefix}memory/200mb`;
    const total = 200 * MiB;
    const gen = generatedBody(total);
    const { result, growthBytes, baselineBytes } = await peakRssGrowth(async () => {
      const put = await store.put(key, gen.stream, { contentType: 'application/octet-stream' });
      const got = await hashStream(await store.get(key));
      return { put, got };
    });
    console.log(
      `[memory] ${driver}: 200 MiB put+get, RSS baseline ${(baselineBytes / MiB).toFixed(0)} MiB, peak growth ${(growthBytes / MiB).toFixed(1)} MiB`,
    );
    expect(result.put.sizeBytes).toBe(total);
    expect(result.put.sha256).toBe(gen.digest());
    expect(result.got).toEqual({ sha256: result.put.sha256, bytes: total });
    expect(growthBytes).toBeLessThan(64 * MiB);
    await store.delete(key);
  });
});
