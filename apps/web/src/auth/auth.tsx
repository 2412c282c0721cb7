import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

const STORAGE_KEY = 'voicepulse.token';

export interface Session {
  token: string;
  userId: string;
  role: string;
  expiresAt: number | null;
}

/**
 * Reads the claims for display and expiry only; the gateway verifies the signature. A token we
 * cannot read is still accepted: the first API call will say whether it is valid.
 */
export function sessionFromToken(token: string): Session | null {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(trimmed)) return null;
  let claims: { sub?: string; role?: string; exp?: number } = {};
  try {
    const payload = trimmed.split('.')[1] ?? '';
    claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    claims = {};
  }
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  if (expiresAt !== null && expiresAt <= Date.now()) return null;
  return { token: trimmed, userId: claims.sub ?? 'unknown user', role: claims.role ?? 'user', expiresAt };
}

interface AuthValue {
  session: Session | null;
  signIn(token: string): boolean;
  signOut(): void;
}

const AuthContext = createContext<AuthValue | null>(null);

function restore(): Session | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored ? sessionFromToken(stored) : null;
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(restore);
  const signIn = useCallback((token: string) => {
    const s = sessionFromToken(token);
    if (!s) return false;
    localStorage.setItem(STORAGE_KEY, s.token);
    setSession(s);
    return true;
  }, []);
  const signOut = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** For pages behind the sign-in guard. */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}
