// Default entry point of the service images: Dockerfile CMD cannot interpolate the APP build
// argument, so the image records it in VOICEPULSE_APP and this shim loads that app's bundle.
// Kubernetes passes apps/<app>/dist/main.mjs explicitly and does not use this file.
const app = process.env.VOICEPULSE_APP;
if (!app || !/^[a-z]+$/.test(app)) {
  console.error(`VOICEPULSE_APP is not a valid app name: ${JSON.stringify(app)}`);
  process.exit(64);
}
await import(`./apps/${app}/dist/main.mjs`);
