import { realServerSuite } from '../../vitest.shared';

// espeak-ng, sox, pocketsphinx and ONNX Runtime are real processes.
export default realServerSuite({ testTimeout: 60_000 });
