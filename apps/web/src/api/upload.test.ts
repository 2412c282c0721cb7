import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeXhr } from '../testing/fakes';
import { AbortedError, ApiError } from './errors';
import { uploadRecording } from './upload';

const accepted = { id: '3f1b2c4d-1111-4222-8333-944455556666', status: 'uploaded', links: { self: '/v1/recordings/x', events: '/v1/recordings/x/events' } };

beforeEach(() => {
  FakeXhr.instances = [];
});
afterEach(() => vi.unstubAllGlobals());

describe('uploadRecording', () => {
  it('sends multipart with the fields before the file, the bearer token and reports progress', async () => {
    const progress: number[] = [];
    const done = uploadRecording(new Blob(['abcd'], { type: 'audio/webm' }), 'take.webm', { transcript: 'hi', microphoneUsed: true, promptId: undefined }, {
      token: 'tok',
      onProgress: (p) => progress.push(p.loaded / p.total),
      createXhr: FakeXhr.create,
    });
    const xhr = FakeXhr.last();
    expect(xhr).toMatchObject({ method: 'POST', url: '/v1/recordings', headers: { authorization: 'Bearer tok' } });
    const form = xhr.body as FormData;
    expect([...form.keys()]).toEqual(['transcript', 'microphoneUsed', 'file']);
    expect(form.get('microphoneUsed')).toBe('true');
    xhr.progress(2, 4);
    xhr.progress(4, 4);
    xhr.respond(202, accepted);
    await expect(done).resolves.toEqual(accepted);
    expect(progress).toEqual([0.5, 1]);
  });

  it('turns error bodies into plain words and says whether a retry can help', async () => {
    const unsupported = uploadRecording(new Blob(['text']), 'notes.txt', {}, { token: 't', createXhr: FakeXhr.create });
    FakeXhr.last().respond(415, { error: { code: 'unsupported_media_type', message: 'not a recognised audio format' } });
    const err = await unsupported.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 415, retryable: false, message: expect.stringMatching(/not audio we can read/) });

    const busy = uploadRecording(new Blob(['a']), 'a.wav', {}, { token: 't', createXhr: FakeXhr.create });
    FakeXhr.last().respond(503, '<html>Bad gateway</html>');
    await expect(busy).rejects.toMatchObject({ retryable: true, message: expect.not.stringContaining('<html>') });

    const offline = uploadRecording(new Blob(['a']), 'a.wav', {}, { token: 't', createXhr: FakeXhr.create });
    FakeXhr.last().fail();
    await expect(offline).rejects.toMatchObject({ status: 0, retryable: true, message: expect.stringMatching(/Could not reach the server/) });
  });

  it('explains the pipeline quota (429) in plain words and offers a retry', async () => {
    const over = uploadRecording(new Blob(['a']), 'a.wav', {}, { token: 't', createXhr: FakeXhr.create });
    FakeXhr.last().respond(429, { error: { code: 'pipeline_quota_exceeded', message: '20 recordings are already being processed for this user; retry when one has finished', details: { limit: 20 } } });
    await expect(over).rejects.toMatchObject({ status: 429, retryable: true, message: expect.stringMatching(/still being processed/) });
  });

  it('aborts on the signal', async () => {
    const controller = new AbortController();
    const done = uploadRecording(new Blob(['a']), 'a.wav', {}, { token: 't', signal: controller.signal, createXhr: FakeXhr.create });
    controller.abort();
    await expect(done).rejects.toBeInstanceOf(AbortedError);
    expect(FakeXhr.last().aborted).toBe(true);
  });

  it('PUTs large files straight to storage with the signed headers, then completes', async () => {
    const calls: { url: string; body?: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, body: init.body ? JSON.parse(String(init.body)) : undefined });
      const body = url === '/v1/uploads'
        ? { id: accepted.id, uploadUrl: 'https://bucket.example/obj?sig=1', method: 'PUT', headers: { 'content-type': 'audio/wav' }, expiresAt: 'x' }
        : accepted;
      return new Response(JSON.stringify(body), { status: url === '/v1/uploads' ? 201 : 202 });
    });
    const file = new Blob(['0123456789'], { type: 'audio/wav' });
    const done = uploadRecording(file, 'big.wav', { transcript: 'hello', speakerUsed: false }, { token: 't', directThreshold: 5, createXhr: FakeXhr.create });
    await vi.waitFor(() => expect(FakeXhr.instances).toHaveLength(1));
    const put = FakeXhr.last();
    expect(put).toMatchObject({ method: 'PUT', url: 'https://bucket.example/obj?sig=1', headers: { 'content-type': 'audio/wav' }, body: file });
    expect(put.headers.authorization).toBeUndefined();
    put.respond(200, '');
    await expect(done).resolves.toEqual(accepted);
    expect(calls).toEqual([
      { url: '/v1/uploads', body: { contentType: 'audio/wav', sizeBytes: 10, transcript: 'hello', speakerUsed: false } },
      { url: `/v1/uploads/${accepted.id}/complete`, body: undefined },
    ]);
  });
});
