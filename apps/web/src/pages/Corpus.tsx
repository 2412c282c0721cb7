import { nextPromptSchema, promptListSchema, type Prompt, type PromptCreate } from '@voicepulse/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { downloadFile, downloadStreamed } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { apiKey, useActionError, useApiQuery, useApiWrite } from '../api/hooks';
import { useSession } from '../auth/auth';
import { ActionsHeaderRow } from '../components/ActionsHeaderRow';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert, LoadStatus } from '../components/LoadStatus';
import { Recorder } from '../components/Recorder';

export function CorpusPage() {
  const session = useSession();
  return (
    <>
      <h1>Emotion corpus</h1>
      <p className="lead">Help build a dataset for speech-emotion research: read the sentence aloud, acting the emotion shown.</p>
      <SpeakerSection />
      {session.role === 'admin' && <AdminSection />}
    </>
  );
}

function SpeakerSection() {
  const client = useQueryClient();
  // Part of the URL so "another prompt" is a new read, not the cached one.
  const [generation, setGeneration] = useState(0);
  const [next] = useApiQuery(`/v1/prompts/next?n=${generation}`, nextPromptSchema);
  const [done, setDone] = useState(false);
  const another = () => {
    setDone(false);
    setGeneration((g) => g + 1);
  };
  return (
    <section className="card" aria-labelledby="speak-h">
      <h2 id="speak-h">Your next prompt</h2>
      {next.state === 'loading' && <p role="status">Finding a prompt…</p>}
      {next.state === 'error' && <p className="notice">{next.message}</p>}
      {next.state === 'ready' && (
        <>
          <blockquote className="prompt" data-testid="prompt-text">
            {next.data.prompt.text}
          </blockquote>
          <p className="emotion">
            Say it sounding <strong data-testid="prompt-emotion">{next.data.emotion}</strong>.
          </p>
          <Recorder
            key={`${next.data.prompt.id}:${next.data.emotion}:${generation}`}
            fields={{ promptId: next.data.prompt.id, actedEmotion: next.data.emotion }}
            initialTranscript={next.data.prompt.text}
            onUploaded={() => {
              setDone(true);
              // A take changes the per-prompt counts the admin list shows.
              void client.invalidateQueries({ queryKey: apiKey('/v1/prompts') });
            }}
          />
          <div className="row">
            <button type="button" className={done ? 'primary' : undefined} onClick={another}>
              {done ? 'Next prompt' : 'Skip this prompt'}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function AdminSection() {
  const write = useApiWrite();
  const session = useSession();
  const [list] = useApiQuery('/v1/prompts?limit=200', promptListSchema);
  const [text, setText] = useState('');
  const [emotions, setEmotions] = useState('');
  const [formError, setFormError] = useState('');
  const [actionError, runAction] = useActionError();
  const [deleting, setDeleting] = useState<Prompt | null>(null);
  const [format, setFormat] = useState<'jsonl' | 'tar.gz'>('jsonl');
  const [includeUnscored, setIncludeUnscored] = useState(false);
  const [exporting, setExporting] = useState(false);

  async function add(e: FormEvent) {
    e.preventDefault();
    setFormError('');
    const body: PromptCreate = { text, emotions: emotions.split(',').map((s) => s.trim()).filter(Boolean) };
    try {
      // Invalidates the admin list and the speaker's next prompt alike.
      await write('/v1/prompts', { method: 'POST', body }, ['/v1/prompts']);
      setText('');
      setEmotions('');
    } catch (err) {
      setFormError(
        err instanceof ApiError && err.code === 'invalid_request'
          ? 'Enter a sentence and at least one emotion (letters, digits, spaces, _ or -), separated by commas.'
          : messageOf(err),
      );
    }
  }

  function setActive(p: Prompt, active: boolean) {
    return runAction(() => write(`/v1/prompts/${p.id}`, { method: 'PATCH', body: { active } }, ['/v1/prompts']));
  }

  async function remove() {
    const p = deleting;
    setDeleting(null);
    if (!p) return;
    await runAction(() => write(`/v1/prompts/${p.id}`, { method: 'DELETE' }, ['/v1/prompts']));
  }

  async function exportDataset() {
    setExporting(true);
    const q = `format=${format}&status=${includeUnscored ? 'all' : 'scored'}`;
    // The manifest is small and fetched so errors can be shown here; the archive streams to disk.
    await runAction(async () => {
      if (format === 'tar.gz') downloadStreamed(`/v1/corpus/export?${q}`, session.token);
      else await downloadFile(`/v1/corpus/export?${q}`, session.token, 'voicepulse-corpus.jsonl');
    }, 'Export failed: ');
    setExporting(false);
  }

  return (
    <>
      <section className="card" aria-labelledby="manage-h">
        <h2 id="manage-h">Manage prompts</h2>
        <form onSubmit={add}>
          <div className="field">
            <label htmlFor="prompt-text">Sentence</label>
            <textarea id="prompt-text" rows={2} value={text} onChange={(e) => setText(e.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor="prompt-emotions">Emotions to act (comma-separated)</label>
            <input id="prompt-emotions" value={emotions} onChange={(e) => setEmotions(e.target.value)} placeholder="happy, sad, angry" required />
          </div>
          <ErrorAlert message={formError} />
          <button type="submit" className="primary">
            Add prompt
          </button>
        </form>
        <ErrorAlert message={actionError} />
        <LoadStatus result={list} loading="Loading prompts…" />
        {list.state === 'ready' && list.data.items.length === 0 && <p className="empty">No prompts yet. Add the first one above.</p>}
        {list.state === 'ready' && list.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Prompts</caption>
              <thead>
                <ActionsHeaderRow columns={['Sentence', 'Emotions', 'Takes', 'Active']} />
              </thead>
              <tbody>
                {list.data.items.map((p) => (
                  <tr key={p.id}>
                    <td>{p.text}</td>
                    <td>{p.emotions.join(', ')}</td>
                    <td>{p.recordings}</td>
                    <td>
                      <input
                        type="checkbox"
                        checked={p.active}
                        onChange={(e) => void setActive(p, e.target.checked)}
                        aria-label={`Active: ${p.text}`}
                      />
                    </td>
                    <td>
                      <button type="button" className="danger small" onClick={() => setDeleting(p)} aria-label={`Delete prompt: ${p.text}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="export-h">
        <h2 id="export-h">Export the dataset</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="export-format">Format</label>
            <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as 'jsonl' | 'tar.gz')}>
              <option value="jsonl">Manifest only (JSONL)</option>
              <option value="tar.gz">Manifest and audio (.tar.gz)</option>
            </select>
          </div>
          <label className="check">
            <input type="checkbox" checked={includeUnscored} onChange={(e) => setIncludeUnscored(e.target.checked)} /> Include takes that are not scored
          </label>
          <button type="button" onClick={() => void exportDataset()} disabled={exporting}>
            {exporting ? 'Exporting…' : 'Export dataset'}
          </button>
        </div>
      </section>
      {deleting && (
        <ConfirmDialog
          title="Delete this prompt?"
          body={`“${deleting.text}” will be removed. Prompts that already have takes can only be deactivated.`}
          confirmLabel="Delete"
          onConfirm={() => void remove()}
          onCancel={() => setDeleting(null)}
        />
      )}
    </>
  );
}
