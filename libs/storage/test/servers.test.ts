import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startFakeGcs } from './servers';

describe('emulator process management', () => {
  it('fails loudly (with the server output) when the emulator cannot bind', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startFakeGcs({ port, readyTimeoutMs: 10_000 })).rejects.toThrow(/fake-gcs-server/);
    } finally {
      blocker.close();
    }
  });

  it('stops the process so its port is released', async () => {
    const gcs = await startFakeGcs({ buckets: ['stop-test'] });
    expect((await fetch(`${gcs.endpoint}/storage/v1/b/stop-test`)).status).toBe(200);
    await gcs.stop();
    await expect(fetch(`${gcs.endpoint}/storage/v1/b/stop-test`)).rejects.toThrow();
  });
});
