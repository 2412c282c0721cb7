/**
 * Preloaded with NODE_OPTIONS="--import …/cpu-profile.mjs" (Node refuses --cpu-prof in
 * NODE_OPTIONS): profiles the whole process and writes a .cpuprofile into VP_CPU_PROF_DIR at exit,
 * which opens in Chrome DevTools or speedscope.
 */
import { Session } from 'node:inspector';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.VP_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // Same-thread inspector sessions dispatch synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      const name = `${path.basename(process.argv[1] ?? 'node')}-${process.pid}.cpuprofile`;
      writeFileSync(path.join(dir, name), JSON.stringify(result.profile));
    });
  });
}
