// Docker HEALTHCHECK (compose only; Kubernetes uses its own probes). The gateway serves /healthz
// on PORT, workers on HEALTH_PORT. Node's fetch avoids installing curl into the image.
const port = process.env.VOICEPULSE_APP === 'gateway' ? process.env.PORT : process.env.HEALTH_PORT;
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
