import type { Loadable } from '../api/hooks';

/** An error message announced to assistive technology; nothing when there is no message. */
export function ErrorAlert({ message }: { message: string }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

/** What a read shows until its data is there: a status line while loading, the error if it failed. */
export function LoadStatus({ result, loading }: { result: Loadable<unknown>; loading: string }) {
  if (result.state === 'loading') return <p role="status">{loading}</p>;
  if (result.state === 'error') return <ErrorAlert message={result.message} />;
  return null;
}
