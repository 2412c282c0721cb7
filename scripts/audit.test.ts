/**
 * scripts/audit.sh against the real npm client: a registry whose advisory endpoint is unreachable,
 * and a local one that answers the bulk-advisory POST (clean, then one high advisory).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'audit.sh');

function runAudit(registry: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script], {
      env: {
        ...process.env,
        npm_config_registry: registry,
        npm_config_fetch_retries: '0',
        npm_config_fetch_timeout: '5000',
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

let server: http.Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A registry that answers only the advisory endpoints, with `advisories`. */
async function advisoryRegistry(advisories: object): Promise<string> {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.startsWith('/-/npm/v1/security/advisories/bulk')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(advisories));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('scripts/audit.sh (issue 12, item 19)', () => {
  it('says NOT CHECKED and fails (exit 3) when the advisory endpoint cannot be reached', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const { code, output } = await runAudit('http://127.0.0.1:1/');
    expect(output).toContain('NOT CHECKED');
    expect(code).toBe(3);
  });

  it('passes when the endpoint answers with no advisory, and fails on a high one', async () => {
    expect(await runAudit(await advisoryRegistry({}))).toMatchObject({ code: 0 });
    server?.close();
    const vulnerable = await runAudit(
      await advisoryRegistry({
        express: [
          {
            id: 1,
            url: 'https://example.invalid/advisories/1',
            title: 'test advisory',
            severity: 'high',
            vulnerable_versions: '>=0.0.0',
            cwe: [],
            cvss: { score: 7.5, vectorString: null },
          },
        ],
      }),
    );
    expect(vulnerable.output).toContain('high or critical advisories found');
    expect(vulnerable.code).toBe(1);
  });
});
