import onnxProto from 'onnx-proto';
import type { onnx as proto } from 'onnx-proto';
import { at, DTYPES, type DType } from '@slipway/core';

// onnx-proto is CommonJS (`module.exports = { onnx }`), so Node's ESM loader only exposes a default export.
const { onnx } = onnxProto;

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

export { DTYPES, type DType };

const { DataType } = onnx.TensorProto;

/** ONNX TensorProto.DataType code for each dtype (also the value Cast's `to` attribute takes). */
export const DATA_TYPE: Readonly<Record<DType, number>> = {
  bool: DataType.BOOL,
  int8: DataType.INT8,
  int16: DataType.INT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  uint8: DataType.UINT8,
  uint16: DataType.UINT16,
  uint32: DataType.UINT32,
  uint64: DataType.UINT64,
  float16: DataType.FLOAT16,
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  string: DataType.STRING,
};

/** A number is a fixed size; a string is a symbolic (dynamic) dimension such as 'batch'. */
export type Dim = number | string;

export type Attribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number };

export const int = (value: number): Attribute => ({ kind: 'int', value });
export const ints = (value: readonly number[]): Attribute => ({ kind: 'ints', value });
export const float = (value: number): Attribute => ({ kind: 'float', value });

export type Attributes = Readonly<Record<string, Attribute>>;

export type InitializerData = Float32Array | BigInt64Array;

function toAttributeProto(name: string, attr: Attribute): proto.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  switch (attr.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: attr.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...attr.value] };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attr.value };
  }
}

function toValueInfo(name: string, dtype: DType, shape: readonly Dim[]): proto.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[dtype],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Collects the pieces of one ONNX graph; `encodeModel` serialises it. */
export class GraphBuilder {
  private readonly inputs: proto.IValueInfoProto[] = [];
  private readonly outputs: proto.IValueInfoProto[] = [];
  private readonly initializers: proto.ITensorProto[] = [];
  private readonly nodes: proto.INodeProto[] = [];

  constructor(readonly name: string) {}

  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    this.inputs.push(toValueInfo(name, dtype, shape));
    return name;
  }

  output(name: string, dtype: DType, shape: readonly Dim[]): string {
    this.outputs.push(toValueInfo(name, dtype, shape));
    return name;
  }

  /** Adds a constant tensor; `dims` must multiply out to `data.length`. Stored as little-endian raw bytes. */
  initializer(name: string, data: InitializerData, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new Error(`initializer ${name}: dims [${dims.join(', ')}] hold ${count} values, got ${data.length}`);
    }
    this.initializers.push({
      name,
      dataType: data instanceof Float32Array ? DataType.FLOAT : DataType.INT64,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
    });
    return name;
  }

  /**
   * Adds a float32 tensor whose bytes live in a side file next to the model (ONNX external data):
   * how models with weights beyond protobuf's 2 GB limit are shipped.
   */
  externalInitializer(name: string, dims: readonly number[], location: string, offset = 0): string {
    const length = dims.reduce((a, b) => a * b, 1) * 4;
    this.initializers.push({
      name,
      dataType: DataType.FLOAT,
      dims: [...dims],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ],
    });
    return name;
  }

  /** Adds a node and returns its first output name, for chaining. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Attributes = {}): string {
    if (outputs.length === 0) throw new Error(`${opType} node needs at least one output`);
    this.nodes.push({
      name: `${opType}_${this.nodes.length}`,
      opType,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([key, attr]) => toAttributeProto(key, attr)),
    });
    return at(outputs, 0);
  }

  toProto(): proto.IGraphProto {
    return {
      name: this.name,
      input: this.inputs,
      output: this.outputs,
      initializer: this.initializers,
      node: this.nodes,
    };
  }
}

export interface EncodeOptions {
  producerName?: string;
  docString?: string;
}

/** Serialises the graph as an ONNX model (IR version 8, default-domain opset 17). */
export function encodeModel(graph: GraphBuilder, options: EncodeOptions = {}): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: options.producerName ?? '@slipway/onnx-builder',
    docString: options.docString,
    graph: graph.toProto(),
  });
  // In Node, protobufjs returns a Buffer that may be a view into a shared pool; hand back an exact, standalone copy.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}
