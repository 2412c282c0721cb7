import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// `npm test` runs these beside the gateway's and workers' real-server suites on two shared cores:
// there a re-render can take well over testing-library's default 1 s, so `findBy…`/`waitFor` wait
// up to 10 s. They still return as soon as the condition holds, and a condition that never holds
// still fails.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => cleanup());
