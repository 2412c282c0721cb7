import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { DestinationRefusedError, addressProblem, checkDestination } from '../src';

const strict = { allowPrivate: false };
const allowed = { allowPrivate: true };
/** A resolver with a fixed answer, for names whose real DNS answer the test cannot control. */
const resolvesTo = (...addresses: string[]) => ({
  resolve: async (): Promise<LookupAddress[]> => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
});

const refused = async (url: string, policy: Parameters<typeof checkDestination>[1]) => {
  const err = await checkDestination(url, policy).catch((e: unknown) => e);
  expect(err, url).toBeInstanceOf(DestinationRefusedError);
  return (err as DestinationRefusedError).reason;
};

describe('webhook destination guard', () => {
  it('refuses loopback, private, link-local, unique-local, CGNAT, metadata and mapped addresses', async () => {
    const cases: [string, RegExp][] = [
      ['http://127.0.0.1/hook', /loopback/],
      ['http://127.1.2.3:8080/hook', /loopback/],
      ['http://[::1]/hook', /loopback/],
      ['http://10.1.2.3/hook', /private/],
      ['http://172.16.0.1/hook', /private/],
      ['http://192.168.1.1/hook', /private/],
      ['http://100.64.0.1/hook', /carrierGradeNat/],
      ['http://169.254.10.10/hook', /linkLocal/],
      ['http://169.254.169.254/latest/meta-data', /metadata/],
      ['http://[fd00::1]/hook', /uniqueLocal/],
      ['http://[fe80::1]/hook', /linkLocal/],
      ['http://[::ffff:127.0.0.1]/hook', /loopback/],
      ['http://[::ffff:169.254.169.254]/hook', /metadata/],
      ['http://0.0.0.0/hook', /unspecified/],
      ['http://[::]/hook', /unspecified/],
      ['http://224.0.0.1/hook', /multicast/],
    ];
    for (const [url, reason] of cases) expect(await refused(url, strict)).toMatch(reason);
  });

  it('resolves names first and refuses if any address is not public', async () => {
    // The system resolver: localhost is loopback on every machine.
    expect(await refused('http://localhost:9/hook', strict)).toMatch(/loopback/);
    expect(await refused('https://hooks.example.com/x', { ...strict, ...resolvesTo('93.184.215.14', '10.0.0.7') })).toMatch(/10\.0\.0\.7.*private/);
    expect(await refused('https://hooks.example.com/x', { ...strict, ...resolvesTo() })).toMatch(/no address/);
  });

  it('refuses schemes other than http and https', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)'])
      expect(await refused(url, allowed)).toMatch(/scheme/);
    expect(await refused('not a url', allowed)).toMatch(/not a URL/);
  });

  it('passes public addresses and pins the checked one', async () => {
    const ok = await checkDestination('https://hooks.example.com/x', { ...strict, ...resolvesTo('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c') });
    expect(ok).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(ok.url.hostname).toBe('hooks.example.com');
    expect(await checkDestination('http://[2606:4700:4700::1111]/x', strict)).toMatchObject({ address: '2606:4700:4700::1111', family: 6 });
  });

  it('the operator allowance lets private destinations through, never metadata or unspecified ones', async () => {
    expect(await checkDestination('http://127.0.0.1:8080/hook', allowed)).toMatchObject({ address: '127.0.0.1' });
    expect(await checkDestination('http://localhost:8080/hook', allowed)).toMatchObject({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) });
    expect(await checkDestination('http://[fd00::1]/hook', allowed)).toMatchObject({ address: 'fd00::1' });
    expect(await checkDestination('http://10.0.0.1/hook', allowed)).toMatchObject({ address: '10.0.0.1' });
    expect(await refused('http://169.254.169.254/', allowed)).toMatch(/metadata/);
    expect(await refused('http://[fd00:ec2::254]/', allowed)).toMatch(/metadata/);
    expect(await refused('http://0.0.0.0/', allowed)).toMatch(/unspecified/);
    expect(addressProblem('8.8.8.8', false)).toBeNull();
  });
});
