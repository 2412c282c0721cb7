import { operations, type CorpusEntry, type CorpusExportQuery } from '@voicepulse/contracts';
import { PromptsRepository, type CorpusRow } from '@voicepulse/recordings';
import { Router, type Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { GatewayDeps } from '../deps';
import { HttpError } from '../http/errors';
import { route } from '../http/route';

const PAGE = 200;
const ROOT = 'voicepulse-corpus';
const EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/flac': 'flac',
};

/** Admin export of the labelled emotion corpus, as a JSONL manifest or a streamed .tar.gz. */
export function corpusRouter(deps: GatewayDeps): Router {
  const router = Router();
  const repo = new PromptsRepository(deps.database.db);

  route(router, operations.corpusExport, [], async (_req, res, { query: q }) => {
    if (q.format === 'tar.gz' && q.audio === 'signed-url') {
      throw new HttpError(400, 'invalid_request', 'signed URLs only apply to the JSONL manifest; the archive carries the audio itself');
    }
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    const rows = walkCorpus(repo, q);
    if (q.format === 'jsonl') {
      res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${ROOT}-${stamp}.jsonl"`);
      await send(res, Readable.from(jsonlLines(deps, q, rows)), deps);
    } else {
      res.setHeader('content-type', 'application/gzip');
      res.setHeader('content-disposition', `attachment; filename="${ROOT}-${stamp}.tar.gz"`);
      await send(res, tarArchive(deps, q, rows), deps, true);
    }
  });

  return router;
}

async function send(res: Response, body: Readable, deps: GatewayDeps, gzip = false) {
  try {
    if (gzip) await pipeline(body, createGzip({ level: 6 }), res);
    else await pipeline(body, res);
  } catch (err) {
    // The status line is long gone; a truncated download (no gzip trailer / no final newline) is
    // the only signal left, and pipeline has already destroyed the response to produce it.
    if (!res.headersSent) throw err;
    deps.logger.error({ err }, 'corpus export aborted');
  }
}

async function* walkCorpus(repo: PromptsRepository, q: CorpusExportQuery): AsyncGenerator<CorpusRow> {
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const page = await repo.corpusPage(q, after, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.recordingId };
  }
}

function audioKeyOf(row: CorpusRow, q: CorpusExportQuery): string | null {
  return q.variant === 'normalized' ? row.normalizedKey : row.originalKey;
}

function entryOf(row: CorpusRow, q: CorpusExportQuery): CorpusEntry {
  const a = row.analysis;
  const transcript = (a?.transcript as { text?: unknown } | null | undefined)?.text;
  return {
    recordingId: row.recordingId,
    speaker: row.userId,
    promptId: row.promptId,
    promptText: row.promptText,
    actedEmotion: row.actedEmotion,
    status: row.status,
    recordedAt: row.recordedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    durationMs: row.durationMs,
    sampleRate: row.sampleRate,
    contentType: q.variant === 'normalized' ? 'audio/wav' : row.contentType,
    audioKey: audioKeyOf(row, q),
    analysis: a && {
      talkedTimeMs: a.talkedTimeMs,
      speechRatio: a.speechRatio,
      sentiment: { score: a.sentimentScore, label: a.sentimentLabel, confidence: a.sentimentConfidence },
      arousal: a.arousal,
      transcript: typeof transcript === 'string' ? transcript : null,
    },
  };
}

async function* jsonlLines(deps: GatewayDeps, q: CorpusExportQuery, rows: AsyncIterable<CorpusRow>): AsyncGenerator<string> {
  for await (const row of rows) {
    const entry = entryOf(row, q);
    if (q.audio === 'signed-url' && entry.audioKey) {
      const signed = await deps.store.signedDownloadUrl(entry.audioKey, {
        expiresInSeconds: Math.min(deps.config.SIGNED_URL_TTL_S, 900),
        contentType: entry.contentType,
      });
      entry.audioUrl = signed.url;
    }
    yield `${JSON.stringify(entry)}\n`;
  }
}

/**
 * The archive: `audio/<recordingId>.<ext>` for every take, streamed one object at a time, then
 * `manifest.jsonl`. The manifest goes last because a tar header must state its size up front and
 * the manifest is only known once the walk is done; it is metadata only (about half a kilobyte per
 * take), so it is the one thing kept in memory. Audio is never buffered: each object is piped into
 * its entry, which waits for the archive to be read (tar-stream's backpressure).
 */
function tarArchive(deps: GatewayDeps, q: CorpusExportQuery, rows: AsyncIterable<CorpusRow>): Readable {
  const pack = tar.pack();
  const mtime = new Date();
  const fill = async () => {
    const manifest: string[] = [];
    for await (const row of rows) {
      const entry = entryOf(row, q);
      if (entry.audioKey) {
        const info = await deps.store.head(entry.audioKey);
        const file = `audio/${row.recordingId}.${EXTENSIONS[entry.contentType] ?? 'bin'}`;
        // tar-stream fails the entry if the object's length differs from the size in its header,
        // which would otherwise misalign every later header and silently corrupt the archive.
        await pipeline(await deps.store.get(entry.audioKey), pack.entry({ name: `${ROOT}/${file}`, size: info.sizeBytes, mtime }));
        entry.audioFile = file;
      }
      manifest.push(JSON.stringify(entry));
    }
    pack.entry({ name: `${ROOT}/manifest.jsonl`, mtime }, manifest.length ? `${manifest.join('\n')}\n` : '');
    pack.finalize();
  };
  fill().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  // tar-stream's packer is a streamx stream: its async iterator is what Node's pipeline reads best.
  return Readable.from(pack);
}
