// Entry point bundled into the gateway image for the Helm pre-install/upgrade migration Job.
import '@voicepulse/db/cli/migrate';
