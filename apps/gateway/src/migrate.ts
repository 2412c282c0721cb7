// Entry point bundled into the gateway image: the chart's migrations Job and every pod's wait-for-schema init container.
import '@voicepulse/db/cli/migrate';
