import { devTokenResponseSchema, type DevTokenRequest } from '@voicepulse/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { apiFetch } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { useAuth } from '../auth/auth';

/**
 * Dev tokens exist only when the gateway runs with AUTH_DEV_TOKENS=true. An empty request tells us
 * without side effects: 400 (validation) means the endpoint is there, 401/404 means it is not.
 */
async function devTokensAvailable(signal: AbortSignal): Promise<boolean> {
  try {
    await apiFetch('/v1/dev/token', { method: 'POST', body: {}, signal });
    return true;
  } catch (err) {
    return err instanceof ApiError && err.status === 400;
  }
}

export function SignInPage() {
  const { signIn } = useAuth();
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState('');
  const [dev, setDev] = useState<'checking' | 'yes' | 'no'>('checking');
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [devError, setDevError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    void devTokensAvailable(controller.signal).then((ok) => {
      if (!controller.signal.aborted) setDev(ok ? 'yes' : 'no');
    });
    return () => controller.abort();
  }, []);

  function submitToken(e: FormEvent) {
    e.preventDefault();
    setTokenError(signIn(token) ? '' : 'That does not look like a valid, unexpired access token.');
  }

  async function submitDev(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setDevError('');
    try {
      const body: DevTokenRequest = { userId: userId.trim(), role };
      const res = await apiFetch('/v1/dev/token', { method: 'POST', body });
      const parsed = devTokenResponseSchema.parse(await res.json());
      if (!signIn(parsed.token)) setDevError('The server returned an unusable token.');
    } catch (err) {
      setDevError(err instanceof ApiError && err.code === 'invalid_request' ? 'User ids may use letters, digits and . _ @ : - only.' : messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {dev === 'yes' && (
        <section className="card" aria-labelledby="dev-h">
          <h2 id="dev-h">Continue as</h2>
          <p className="hint">Development sign-in: this gateway issues tokens for any user id.</p>
          <form onSubmit={submitDev}>
            <div className="field">
              <label htmlFor="dev-user">User id</label>
              <input id="dev-user" value={userId} onChange={(e) => setUserId(e.target.value)} required autoComplete="username" />
            </div>
            <div className="field">
              <label htmlFor="dev-role">Role</label>
              <select id="dev-role" value={role} onChange={(e) => setRole(e.target.value as 'user' | 'admin')}>
                <option value="user">User</option>
                <option value="admin">Admin</option>
              </select>
            </div>
            {devError && (
              <p className="error" role="alert">
                {devError}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              Sign in
            </button>
          </form>
        </section>
      )}
      <section className="card" aria-labelledby="token-h">
        <h2 id="token-h">Use an access token</h2>
        <form onSubmit={submitToken}>
          <div className="field">
            <label htmlFor="token">Access token</label>
            <textarea id="token" rows={3} value={token} onChange={(e) => setToken(e.target.value)} required spellCheck={false} />
          </div>
          {tokenError && (
            <p className="error" role="alert">
              {tokenError}
            </p>
          )}
          <button type="submit">Sign in with token</button>
        </form>
      </section>
      {dev === 'checking' && <p className="muted" role="status">Checking sign-in options…</p>}
    </div>
  );
}
