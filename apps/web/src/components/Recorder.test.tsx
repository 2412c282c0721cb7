import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQueryClient } from '../api/hooks';
import { AuthProvider } from '../auth/auth';
import { FakeXhr, fakeToken, installFakeMedia } from '../testing/fakes';
import { Recorder } from './Recorder';

const accepted = { id: '3f1b2c4d-1111-4222-8333-944455556666', status: 'uploaded', links: { self: 's', events: 'e' } };

function renderRecorder(props: Partial<Parameters<typeof Recorder>[0]> = {}) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <AuthProvider>
        <MemoryRouter>
          <Recorder createXhr={FakeXhr.create} {...props} />
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
}

const button = (name: string) => screen.getByRole('button', { name });

async function chooseFile(name = 'clip.wav') {
  await userEvent.upload(screen.getByLabelText('Choose an audio file'), new File(['RIFF....WAVE'], name, { type: 'audio/wav' }));
}

beforeEach(() => {
  FakeXhr.instances = [];
  localStorage.setItem('voicepulse.token', fakeToken());
});
afterEach(() => localStorage.clear());

describe('Recorder without a microphone', () => {
  it('explains why and still uploads a chosen file with a progress bar', async () => {
    const uploaded: string[] = [];
    renderRecorder({ onUploaded: (id) => uploaded.push(id) });
    expect(await screen.findByText(/cannot record audio/)).toBeTruthy();
    expect((button('Start recording') as HTMLButtonElement).disabled).toBe(true);
    expect((button('Upload') as HTMLButtonElement).disabled).toBe(true);

    await chooseFile();
    expect(screen.getByText(/File clip\.wav/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Transcript (optional)'), 'I love it');
    await userEvent.click(button('Upload'));

    const xhr = FakeXhr.last();
    expect((xhr.body as FormData).get('transcript')).toBe('I love it');
    act(() => xhr.progress(3, 12));
    const bar = screen.getByLabelText('Upload progress') as HTMLProgressElement;
    expect(bar.value).toBe(25);
    expect(screen.getByText('25%')).toBeTruthy();
    act(() => xhr.respond(202, accepted));
    expect(await screen.findByRole('link', { name: 'View recording' })).toBeTruthy();
    expect(uploaded).toEqual([accepted.id]);
  });

  it('shows a rejected file in plain words and does not offer a pointless retry', async () => {
    renderRecorder();
    await chooseFile('notes.txt');
    await userEvent.click(button('Upload'));
    act(() => FakeXhr.last().respond(415, { error: { code: 'unsupported_media_type', message: 'not a recognised audio format' } }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Upload failed: That file is not audio we can read/);
    expect(alert.textContent).not.toMatch(/[{}]/);
    expect((button('Upload') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(button('Discard'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('retries a transient failure and can cancel an upload in flight', async () => {
    renderRecorder();
    await chooseFile();
    await userEvent.click(button('Upload'));
    act(() => FakeXhr.last().respond(503, { error: { code: 'unavailable', message: 'storage is temporarily unavailable' } }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/busy or restarting/);

    await userEvent.click(button('Retry upload'));
    expect(FakeXhr.instances).toHaveLength(2);
    await userEvent.click(button('Cancel upload'));
    expect(FakeXhr.last().aborted).toBe(true);
    expect(await screen.findByText(/Upload cancelled/)).toBeTruthy();

    await userEvent.click(button('Upload'));
    act(() => FakeXhr.last().respond(202, accepted));
    expect(await screen.findByRole('link', { name: 'View recording' })).toBeTruthy();
  });
});

describe('Recorder with a microphone', () => {
  let uninstall: () => void;
  beforeEach(() => {
    uninstall = installFakeMedia();
  });
  afterEach(() => uninstall());

  it('records, stops and uploads the take with the corpus fields', async () => {
    renderRecorder({ fields: { promptId: '0b7e3c1a-2222-4333-8444-955566667777', actedEmotion: 'happy' } });
    await waitFor(() => expect((button('Start recording') as HTMLButtonElement).disabled).toBe(false));
    expect(await screen.findByRole('option', { name: 'USB microphone' })).toBeTruthy();
    expect((button('Stop recording') as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(button('Start recording'));
    expect(await screen.findByText('Recording…')).toBeTruthy();
    expect((button('Start recording') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByLabelText('Choose an audio file') as HTMLInputElement).disabled).toBe(true);

    await userEvent.click(button('Stop recording'));
    expect(await screen.findByText(/Recorded take · 3 B/)).toBeTruthy();
    await userEvent.click(button('Upload'));
    const form = FakeXhr.last().body as FormData;
    expect(form.get('promptId')).toBe('0b7e3c1a-2222-4333-8444-955566667777');
    expect(form.get('actedEmotion')).toBe('happy');
    expect(form.get('microphoneUsed')).toBe('true');
    expect((form.get('file') as File).name).toBe('recording.webm');
  });

  it('stops by itself at the maximum duration', async () => {
    renderRecorder({ maxDurationMs: 300 });
    await waitFor(() => expect((button('Start recording') as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(button('Start recording'));
    expect(await screen.findByText(/Recorded take/)).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/max 00:00/);
  });
});
