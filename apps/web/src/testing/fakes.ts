/**
 * Stand-ins for the browser APIs jsdom lacks (XMLHttpRequest uploads, microphone, MediaRecorder),
 * driven step by step from tests so every progress/error path can be reached deterministically.
 */
export class FakeXhr {
  static instances: FakeXhr[] = [];
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k.toLowerCase()] = v;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
  fail() {
    this.onerror?.();
  }
  static last(): FakeXhr {
    const x = FakeXhr.instances[FakeXhr.instances.length - 1];
    if (!x) throw new Error('no request was sent');
    return x;
  }
  static create = () => new FakeXhr() as unknown as XMLHttpRequest;
}

/** A signed-looking token (the app only reads its claims; the gateway verifies signatures). */
export function fakeToken(sub = 'tester', role = 'user'): string {
  const enc = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${enc({ alg: 'HS256' })}.${enc({ sub, role, exp: Math.floor(Date.now() / 1000) + 3600 })}.signature`;
}

/** A microphone, an AudioContext and a MediaRecorder that records three bytes of "webm". */
export function installFakeMedia() {
  const track = { stop: () => undefined, kind: 'audio' };
  const stream = { getTracks: () => [track] } as unknown as MediaStream;
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: async () => stream,
      enumerateDevices: async () => [{ kind: 'audioinput', deviceId: 'mic-2', label: 'USB microphone' }],
    },
  });
  class FakeAudioContext {
    sampleRate = 48_000;
    async resume() {}
    async close() {}
    createMediaStreamSource() {
      return { connect: () => undefined, disconnect: () => undefined };
    }
    createAnalyser() {
      return { fftSize: 1024, getFloatTimeDomainData: (buf: Float32Array) => buf.fill(0.1) };
    }
  }
  class FakeMediaRecorder {
    static isTypeSupported = () => true;
    state = 'inactive';
    ondataavailable: ((e: { data: Blob }) => void) | null = null;
    onstop: (() => void) | null = null;
    onerror: (() => void) | null = null;
    start() {
      this.state = 'recording';
    }
    stop() {
      this.state = 'inactive';
      this.ondataavailable?.({ data: new Blob(['abc'], { type: 'audio/webm' }) });
      this.onstop?.();
    }
  }
  Object.assign(globalThis, { AudioContext: FakeAudioContext, MediaRecorder: FakeMediaRecorder });
  return () => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
    Reflect.deleteProperty(globalThis, 'AudioContext');
    Reflect.deleteProperty(globalThis, 'MediaRecorder');
  };
}
