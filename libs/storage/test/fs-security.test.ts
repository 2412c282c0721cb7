import { mkdir, mkdtemp, readdir, rm, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore, InvalidKeyError, NotFoundError, verifyFsSignature } from '../src';
import { readAll } from './helpers';

const SECRET = 'fs-security-test-secret';
const PUBLIC = 'http://127.0.0.1:8080/v1/blobs';

describe('fs driver containment', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let store: FsBlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vp-fs-sec-'));
    root = path.join(dir, 'store');
    outside = path.join(dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'top secret');
    store = new FsBlobStore({ root, signingSecret: SECRET, publicUrl: PUBLIC });
    await store.put('seed', Buffer.from('x')); // creates the layout
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never follows a directory symlink planted inside the store', async () => {
    await symlink(outside, path.join(root, 'objects', 'evil'));
    await expect(store.get('evil/secret.txt')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.head('evil/secret.txt')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.put('evil/planted.txt', Buffer.from('pwned'))).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.put('evil/new/dir/file', Buffer.from('pwned'))).rejects.toBeInstanceOf(
      InvalidKeyError,
    );
    await expect(store.delete('evil/secret.txt')).rejects.toBeInstanceOf(InvalidKeyError);
    expect((await readdir(outside)).sort()).toEqual(['secret.txt']);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    const listed: string[] = [];
    for await (const info of store.list('')) listed.push(info.key);
    expect(listed).toEqual(['seed']);
  });

  it('refuses a file symlink as the final component', async () => {
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'objects', 'link'));
    await expect(store.get('link')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.head('link')).rejects.toBeInstanceOf(InvalidKeyError);
    // Overwriting replaces the link itself, never the file it points to.
    await store.put('link', Buffer.from('replaced'));
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect((await readAll(await store.get('link'))).toString()).toBe('replaced');
  });

  it('rejects traversal in raw and percent-encoded form before touching the disk', async () => {
    for (const key of [
      '../outside/secret.txt',
      '../../etc/passwd',
      'a/../../outside/secret.txt',
      '%2e%2e/outside/secret.txt',
      '..%2Foutside',
      '..\\outside',
    ]) {
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect((await readdir(outside)).sort()).toEqual(['secret.txt']);
  });

  it('keeps keys whose prefix is an existing blob from clobbering it', async () => {
    await store.put('rec/1', Buffer.from('one'));
    await expect(store.put('rec/1/part', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
    await store.put('deep/a/b', Buffer.from('b'));
    await expect(store.put('deep/a', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
    expect((await readAll(await store.get('rec/1'))).toString()).toBe('one');
    expect((await readAll(await store.get('deep/a/b'))).toString()).toBe('b');
    await expect(store.get('deep/a')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removes emptied directories on delete so prefixes disappear', async () => {
    await store.put('x/y/z', Buffer.from('z'));
    await store.delete('x/y/z');
    expect(await readdir(path.join(root, 'objects'))).toEqual(['seed']);
    expect(await readdir(path.join(root, 'meta'))).toEqual(['seed.json']);
  });
});

describe('verifyFsSignature', () => {
  const store = new FsBlobStore({
    root: path.join(tmpdir(), 'vp-unused'),
    signingSecret: SECRET,
    publicUrl: PUBLIC,
  });

  it('accepts its own upload and download URLs for the signed method only', async () => {
    const up = await store.signedUploadUrl('rec/a b.wav'.replace(' ', '_'), {
      expiresInSeconds: 60,
      contentType: 'audio/wav',
      sizeBytes: 4096,
    });
    expect(verifyFsSignature(up.url, SECRET, { method: 'PUT' })).toMatchObject({
      ok: true,
      key: 'rec/a_b.wav',
      method: 'PUT',
      contentType: 'audio/wav',
      sizeBytes: 4096,
    });
    const bigger = new URL(up.url);
    bigger.searchParams.set('size', '999999999');
    expect(verifyFsSignature(bigger, SECRET, { method: 'PUT' })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyFsSignature(up.url, SECRET, { method: 'GET' })).toEqual({
      ok: false,
      reason: 'method-mismatch',
    });

    const down = await store.signedDownloadUrl('rec/x.wav', {
      expiresInSeconds: 60,
      filename: 'Call – 1.wav',
    });
    const relative = down.url.slice('http://127.0.0.1:8080'.length);
    expect(verifyFsSignature(relative, SECRET, { method: 'GET' })).toMatchObject({
      ok: true,
      key: 'rec/x.wav',
      filename: 'Call – 1.wav',
    });
    expect(verifyFsSignature(relative, SECRET, { method: 'HEAD' })).toMatchObject({ ok: true });
  });

  it('rejects tampering, foreign secrets, expiry and traversal', async () => {
    const { url } = await store.signedDownloadUrl('rec/x.wav', { expiresInSeconds: 60 });
    const u = new URL(url);
    const tamper = (fn: (u: URL) => void) => {
      const copy = new URL(u);
      fn(copy);
      return verifyFsSignature(copy, SECRET, { method: 'GET' });
    };
    expect(tamper((c) => (c.pathname = '/v1/blobs/rec/y.wav'))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(
      tamper((c) => c.searchParams.set('expires', String(Number(c.searchParams.get('expires')) + 3600))),
    ).toEqual({ ok: false, reason: 'bad-signature' });
    expect(tamper((c) => c.searchParams.set('contentType', 'text/html'))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(tamper((c) => c.searchParams.set('method', 'PUT'))).toEqual({
      ok: false,
      reason: 'method-mismatch',
    });
    expect(tamper((c) => c.searchParams.delete('signature'))).toEqual({ ok: false, reason: 'malformed' });
    // WHATWG URL parsing resolves "%2e%2e" segments itself, which lands outside the blob route.
    expect(tamper((c) => (c.pathname = '/v1/blobs/%2e%2e/%2e%2e/etc/passwd'))).toMatchObject({ ok: false });
    expect(
      verifyFsSignature(
        '/v1/blobs/%2e%2e/%2e%2e/etc/passwd?method=GET&expires=9999999999&signature=x',
        SECRET,
        { method: 'GET' },
      ),
    ).toMatchObject({ ok: false });
    expect(tamper((c) => (c.pathname = '/v1/blobs/rec%2F..%2F..%2Fetc'))).toEqual({
      ok: false,
      reason: 'invalid-key',
    });
    expect(tamper((c) => (c.pathname = '/elsewhere/rec/x.wav'))).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyFsSignature(u, 'another-secret-of-16', { method: 'GET' })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyFsSignature(u, SECRET, { method: 'GET', now: new Date(Date.now() + 61_000) })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('accepts parsed route params as the gateway sees them', async () => {
    const { url } = await store.signedUploadUrl('rec/p.webm', {
      expiresInSeconds: 900,
      contentType: 'audio/webm',
      sizeBytes: 10,
    });
    const q = Object.fromEntries(new URL(url).searchParams);
    const check = verifyFsSignature({ ...q, key: 'rec/p.webm', signature: q.signature! }, SECRET, {
      method: 'PUT',
    });
    expect(check).toMatchObject({ ok: true, key: 'rec/p.webm' });
    // A router that decodes "%2e%2e%2f" hands over a traversal key: refused before any signature math.
    expect(
      verifyFsSignature({ ...q, key: '../../etc/passwd', signature: q.signature! }, SECRET, {
        method: 'PUT',
      }),
    ).toEqual({
      ok: false,
      reason: 'invalid-key',
    });
  });
});
