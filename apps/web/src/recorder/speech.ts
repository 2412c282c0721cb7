/** Live transcript through the Web Speech API, where the browser has one (Chrome online, Safari). */
interface RecognitionLike {
  continuous: boolean;
  interimResults: boolean;
  lang: string;
  onresult: ((e: { resultIndex: number; results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }> }) => void) | null;
  onerror: (() => void) | null;
  start(): void;
  stop(): void;
}

type RecognitionCtor = new () => RecognitionLike;

function recognitionCtor(): RecognitionCtor | undefined {
  const w = window as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

export const speechRecognitionAvailable = () => recognitionCtor() !== undefined;

/** Starts recognition; `onText` receives the full transcript so far (final + interim). */
export function startLiveTranscript(onText: (text: string) => void): { stop(): void } | undefined {
  const Ctor = recognitionCtor();
  if (!Ctor) return undefined;
  const rec = new Ctor();
  rec.continuous = true;
  rec.interimResults = true;
  rec.lang = navigator.language || 'en-US';
  let finalText = '';
  rec.onresult = (e) => {
    let interim = '';
    for (let i = e.resultIndex; i < e.results.length; i++) {
      const r = e.results[i]!;
      if (r.isFinal) finalText += `${r[0]!.transcript.trim()} `;
      else interim += r[0]!.transcript;
    }
    onText(`${finalText}${interim}`.trim());
  };
  // No speech service (offline, headless): the text box stays editable by hand.
  rec.onerror = () => undefined;
  try {
    rec.start();
  } catch {
    return undefined;
  }
  return { stop: () => rec.stop() };
}
