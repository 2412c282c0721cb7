import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Writes a model computing  scores = Relu(audio · W + B)  for audio [1, n], scores [1, 3]:
 *   scores[0] = 0.25 · mean(audio[0 .. n/2))  + 0.5
 *   scores[1] = 0.25 · mean(audio[n/2 .. n))  + 0.5
 *   scores[2] = 0.1
 * Linear in the input, so every window's output can be predicted by hand.
 */
export function writeHalfMeansModel(n: number): string {
  const half = n / 2;
  const w = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    w[i * 3 + (i < half ? 0 : 1)] = 0.25 / half;
  }
  const tensor = (name: string, dims: number[], data: Float32Array) =>
    onnx.TensorProto.create({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer),
    });
  const valueInfo = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: dims.map((d) => ({ dimValue: d })) },
        },
      },
    });
  const graph = onnx.GraphProto.create({
    name: 'half-means',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['audio', 'W'], output: ['mm'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['mm', 'B'], output: ['pre'] }),
      onnx.NodeProto.create({ opType: 'Relu', input: ['pre'], output: ['scores'] }),
    ],
    initializer: [tensor('W', [n, 3], w), tensor('B', [3], new Float32Array([0.5, 0.5, 0.1]))],
    input: [valueInfo('audio', [1, n])],
    output: [valueInfo('scores', [1, 3])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph,
    producerName: 'voicepulse-test',
  });
  const dir = mkdtempSync(join(tmpdir(), 'vp-onnx-'));
  const path = join(dir, 'half-means.onnx');
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  return path;
}

/** A signal that is `a` for the first `n1` samples and `b` for the next `n2`. */
export function steps(...parts: [value: number, count: number][]): Float32Array {
  const out = new Float32Array(parts.reduce((n, [, c]) => n + c, 0));
  let at = 0;
  for (const [v, c] of parts) {
    out.fill(v, at, at + c);
    at += c;
  }
  return out;
}
