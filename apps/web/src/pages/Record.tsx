import { Recorder } from '../components/Recorder';

export function RecordPage() {
  return (
    <>
      <h1>Record</h1>
      <p className="lead">Record from your microphone or upload an existing file. We measure talk time and sentiment.</p>
      <Recorder />
    </>
  );
}
