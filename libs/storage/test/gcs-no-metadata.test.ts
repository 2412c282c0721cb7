import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { GcsBlobStore } from '../src';
import { readAll } from './helpers';

/**
 * With detection switched ON and the metadata host redirected to a local trap, drive every
 * emulator-mode operation and prove nothing ever asks a metadata server for anything.
 */
describe('gcs driver never probes the metadata server against an emulator', () => {
  let trap: Server;
  let hits = 0;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    trap = createServer((socket) => {
      hits++;
      socket.destroy();
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    delete process.env.METADATA_SERVER_DETECTION;
    process.env.GCE_METADATA_HOST = `127.0.0.1:${(trap.address() as AddressInfo).port}`;
    dir = await mkdtemp(path.join(tmpdir(), 'vp-gcs-meta-'));
  });
  afterAll(async () => {
    process.env = saved;
    trap.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('control: an unconfigured Google client does hit the trap', async () => {
    const before = hits;
    await new Storage({ projectId: 'control' }).authClient.getCredentials().catch(() => undefined);
    expect(hits).toBeGreaterThan(before);
  });

  it('emulator operations and signing with a key file stay off the metadata server', async () => {
    const { endpoint, bucket } = inject('fakeGcs');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'sa.json');
    await writeFile(
      keyFile,
      JSON.stringify({ client_email: 'meta@voicepulse-test.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }),
    );
    hits = 0;
    const store = new GcsBlobStore({ bucket, apiEndpoint: endpoint, keyFilename: keyFile }); // no project id on purpose
    const key = 'no-metadata/probe.txt';
    await store.ping();
    await store.put(key, Buffer.from('hello'));
    expect((await readAll(await store.get(key))).toString()).toBe('hello');
    await store.head(key);
    for await (const _ of store.list('no-metadata/')) void _;
    const signed = await store.signedDownloadUrl(key, { expiresInSeconds: 60 });
    expect((await fetch(signed.url)).status).toBe(200);
    await store.delete(key);

    const keyless = new GcsBlobStore({ bucket, apiEndpoint: endpoint });
    await keyless.head(key).catch(() => undefined);
    await expect(keyless.signedDownloadUrl(key, { expiresInSeconds: 60 })).rejects.toMatchObject({ code: 'MISCONFIGURED' });
    expect(hits).toBe(0);
  });
});
