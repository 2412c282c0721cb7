import { lazy, Suspense, useEffect, useRef } from 'react';
import { Navigate, NavLink, Outlet, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/auth';
import { CorpusPage } from './pages/Corpus';
import { RecordingsPage } from './pages/Recordings';
import { RecordPage } from './pages/Record';
import { SignInPage } from './pages/SignIn';

// The chart library is most of the bundle: load it with the pages that draw charts.
const DashboardPage = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage })));
const RecordingDetailPage = lazy(() => import('./pages/RecordingDetail').then((m) => ({ default: m.RecordingDetailPage })));

export function App() {
  const { session, signOut } = useAuth();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  // Route changes do not reload the page, so move focus for screen-reader and keyboard users.
  useEffect(() => {
    main.current?.focus();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">voicepulse</span>
        {session && (
          <nav aria-label="Main">
            <NavLink to="/record">Record</NavLink>
            <NavLink to="/recordings">Recordings</NavLink>
            <NavLink to="/dashboard">Dashboard</NavLink>
            <NavLink to="/corpus">Emotion corpus</NavLink>
          </nav>
        )}
        {session && (
          <div className="account">
            <span className="muted">
              {session.userId}
              {session.role !== 'user' ? ` (${session.role})` : ''}
            </span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<p role="status">Loading…</p>}>
        <Routes>
          <Route path="/signin" element={session ? <Navigate to={(location.state as { from?: string })?.from ?? '/record'} replace /> : <SignInPage />} />
          <Route element={<RequireSession />}>
            <Route path="/record" element={<RecordPage />} />
            <Route path="/recordings" element={<RecordingsPage />} />
            <Route path="/recordings/:id" element={<RecordingDetailPage />} />
            <Route path="/dashboard" element={<DashboardPage />} />
            <Route path="/corpus" element={<CorpusPage />} />
          </Route>
          <Route path="*" element={<Navigate to={session ? '/record' : '/signin'} replace />} />
        </Routes>
        </Suspense>
      </main>
    </>
  );
}


function RequireSession() {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  return <Outlet />;
}
