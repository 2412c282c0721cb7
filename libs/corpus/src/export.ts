import type { CorpusEntry, CorpusExportQuery } from '@voicepulse/contracts';
import type { BlobStore } from '@voicepulse/storage';
import { pipeline as pipeStreams, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { CorpusRow, PromptsRepository } from './prompts-repository';

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

/** One export, ready to send: the body streams as it is read, so nothing but the manifest is held. */
export interface CorpusDownload {
  fileName: string;
  contentType: string;
  body: Readable;
}

/** The labelled emotion corpus as a JSONL manifest or a .tar.gz with the audio itself. */
export class CorpusExporter {
  constructor(
    private readonly prompts: Pick<PromptsRepository, 'corpusPage'>,
    private readonly store: Pick<BlobStore, 'head' | 'get' | 'signedDownloadUrl'>,
    private readonly opts: { signedUrlTtlS: number },
  ) {}

  export(q: CorpusExportQuery, now = new Date()): CorpusDownload {
    const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const rows = this.walk(q);
    if (q.format === 'jsonl') {
      return {
        fileName: `${ROOT}-${stamp}.jsonl`,
        contentType: 'application/x-ndjson; charset=utf-8',
        body: Readable.from(this.jsonlLines(q, rows)),
      };
    }
    // A failing archive destroys the gzip stream too, so the reader sees a truncated download.
    const body = pipeStreams(this.tarArchive(q, rows, now), createGzip({ level: 6 }), () => undefined);
    return { fileName: `${ROOT}-${stamp}.tar.gz`, contentType: 'application/gzip', body };
  }

  private async *walk(q: CorpusExportQuery): AsyncGenerator<CorpusRow> {
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.prompts.corpusPage(q, after, PAGE);
      yield* page;
      if (page.length < PAGE) return;
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, id: last.recordingId };
    }
  }

  private async *jsonlLines(q: CorpusExportQuery, rows: AsyncIterable<CorpusRow>): AsyncGenerator<string> {
    for await (const row of rows) {
      const entry = entryOf(row, q);
      if (q.audio === 'signed-url' && entry.audioKey) {
        const signed = await this.store.signedDownloadUrl(entry.audioKey, {
          expiresInSeconds: this.opts.signedUrlTtlS,
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
  private tarArchive(q: CorpusExportQuery, rows: AsyncIterable<CorpusRow>, mtime: Date): Readable {
    const pack = tar.pack();
    const fill = async () => {
      const manifest: string[] = [];
      for await (const row of rows) {
        const entry = entryOf(row, q);
        if (entry.audioKey) {
          const info = await this.store.head(entry.audioKey);
          const file = `audio/${row.recordingId}.${EXTENSIONS[entry.contentType] ?? 'bin'}`;
          // tar-stream fails the entry if the object's length differs from the size in its header,
          // which would otherwise misalign every later header and silently corrupt the archive.
          await pipeline(
            await this.store.get(entry.audioKey),
            pack.entry({ name: `${ROOT}/${file}`, size: info.sizeBytes, mtime }),
          );
          entry.audioFile = file;
        }
        manifest.push(JSON.stringify(entry));
      }
      pack.entry(
        { name: `${ROOT}/manifest.jsonl`, mtime },
        manifest.length ? `${manifest.join('\n')}\n` : '',
      );
      pack.finalize();
    };
    fill().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
    // tar-stream's packer is a streamx stream: its async iterator is what Node's pipeline reads best.
    return Readable.from(pack);
  }
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
    audioKey: q.variant === 'normalized' ? row.normalizedKey : row.originalKey,
    analysis: a && {
      talkedTimeMs: a.talkedTimeMs,
      speechRatio: a.speechRatio,
      sentiment: { score: a.sentimentScore, label: a.sentimentLabel, confidence: a.sentimentConfidence },
      arousal: a.arousal,
      transcript: typeof transcript === 'string' ? transcript : null,
    },
  };
}
