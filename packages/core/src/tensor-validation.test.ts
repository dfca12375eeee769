import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureFromOrtMetadata, hasDynamicBatch, type ModelSignature, type TensorSpec } from './signature';
import {
  checkInputNames,
  flattenNested,
  fromHalfBits,
  InvalidInputError,
  nestedToTensorValue,
  nestValues,
  tensorDataToJson,
  toHalfBits,
  toTensorValue,
} from './tensor-validation';

const features: TensorSpec = { name: 'features', dtype: 'float32', shape: [null, 4] };
const signature: ModelSignature = {
  inputs: [features, { name: 'mask', dtype: 'bool', shape: [null] }],
  outputs: [{ name: 'label', dtype: 'int64', shape: [null] }],
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidInputError');
}

describe('signatureFromOrtMetadata', () => {
  it('turns symbolic dimensions into null and keeps fixed ones', () => {
    const sig = signatureFromOrtMetadata(
      [{ name: 'features', isTensor: true, type: 'float32', shape: ['batch', 4] }],
      [{ name: 'label', isTensor: true, type: 'int64', shape: ['batch'] }],
    );
    expect(sig).toEqual({ inputs: [features], outputs: [{ name: 'label', dtype: 'int64', shape: [null] }] });
    expect(hasDynamicBatch(sig)).toBe(true);
  });

  it('refuses non-tensor outputs with a reason', () => {
    expect(() => signatureFromOrtMetadata([], [{ name: 'zipmap', isTensor: false }])).toThrow(/zipmap.*non-tensor/);
  });
});

describe('input validation', () => {
  it('accepts a well-formed batch and packs it as float32', () => {
    const { shape, values } = flattenNested('features', [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3, 5.2, 2.3],
    ]);
    const tensor = toTensorValue(features, shape, values);
    expect(tensor.shape).toEqual([2, 4]);
    expect(tensor.data).toBeInstanceOf(Float32Array);
    expect(Array.from(tensor.data as Float32Array)[4]).toBeCloseTo(6.7, 5);
  });

  it('names the input and both shapes when the shape is wrong', () => {
    const { shape, values } = flattenNested('features', [[5.1, 3.5, 1.4]]);
    expect(messageOf(() => toTensorValue(features, shape, values))).toBe("input 'features': expected shape [-1, 4], received [1, 3]");
  });

  it('names the offending value and the expected dtype', () => {
    const message = messageOf(() => toTensorValue(features, [1, 4], [1, 2, 'three', 4]));
    expect(message).toBe('input \'features\': value 2 is "three", expected a number (FP32)');
  });

  it('reports a data length that does not match the shape', () => {
    expect(messageOf(() => toTensorValue(features, [2, 4], [1, 2, 3, 4]))).toContain('needs 8 values, received 4');
  });

  it('refuses ragged nested arrays', () => {
    expect(
      messageOf(() =>
        flattenNested('features', [
          [1, 2, 3, 4],
          [1, 2],
        ]),
      ),
    ).toContain('ragged');
  });

  it('reports missing and unknown inputs by name', () => {
    expect(messageOf(() => checkInputNames(signature, ['features']))).toBe("missing input 'mask' (BOOL [-1])");
    expect(messageOf(() => checkInputNames(signature, ['features', 'mask', 'extra']))).toContain("unknown input 'extra'");
  });

  it('checks integer ranges and accepts int64 as decimal strings', () => {
    const spec: TensorSpec = { name: 'ids', dtype: 'int64', shape: [null] };
    const tensor = toTensorValue(spec, [2], [7, '9007199254740993']);
    expect(Array.from(tensor.data as BigInt64Array)).toEqual([7n, 9007199254740993n]);
    expect(messageOf(() => toTensorValue(spec, [1], [1.5]))).toContain('expected an integer');
    const small: TensorSpec = { name: 'b', dtype: 'uint8', shape: [1] };
    expect(messageOf(() => toTensorValue(small, [1], [256]))).toContain('from 0 to 255');
  });

  it('refuses numbers beyond the datatype: FP32 and FP16 overflow, integer ranges, non-integers, naming input and element', () => {
    expect(messageOf(() => toTensorValue(features, [1, 4], [1, 2, 1e39, 4]))).toBe(
      "input 'features': value 2 is 1e+39, expected a number from -3.4028234663852886e+38 to 3.4028234663852886e+38 (FP32)",
    );
    // The one-pass path for nested batches refuses it with the same words.
    expect(
      messageOf(() =>
        nestedToTensorValue(features, [
          [1, 2, 3, 4],
          [5, 6, -1e39, 8],
        ]),
      ),
    ).toContain("input 'features': value 6 is -1e+39");
    // Just inside FP32's range is kept, rounded to the largest float.
    expect(toTensorValue(features, [1, 4], [3.4028235e38, 0, 0, 0]).data[0]).toBe(3.4028234663852886e38);
    const half: TensorSpec = { name: 'h', dtype: 'float16', shape: [null] };
    expect(messageOf(() => toTensorValue(half, [2], [65504, 70000]))).toBe("input 'h': value 1 is 70000, expected a number from -65504 to 65504 (FP16)");
    const double: TensorSpec = { name: 'd', dtype: 'float64', shape: [null] };
    expect(messageOf(() => toTensorValue(double, [1], [JSON.parse('1e400')]))).toBe("input 'd': value 0 is Infinity, expected a finite number (FP64)");
    for (const [dtype, outside] of [
      ['int8', 128],
      ['int16', -32769],
      ['int32', 2 ** 31],
      ['uint16', -1],
      ['uint32', 2 ** 32],
      ['uint64', -1],
      ['int64', 2 ** 63],
    ] as const) {
      expect(messageOf(() => toTensorValue({ name: 'i', dtype, shape: [1] }, [1], [outside]))).toMatch(/^input 'i': value 0 is .*, expected an integer/);
    }
    expect(messageOf(() => toTensorValue({ name: 'i', dtype: 'int32', shape: [1] }, [1], [2.5]))).toContain('value 0 is 2.5, expected an integer');
  });

  it('encodes non-finite model outputs as the strings "NaN", "Infinity" and "-Infinity", never null', () => {
    const outputs = tensorDataToJson('float32', new Float32Array([1.5, NaN, Infinity, -Infinity]));
    expect(outputs).toEqual([1.5, 'NaN', 'Infinity', '-Infinity']);
    expect(JSON.stringify(outputs)).not.toContain('null');
    expect(outputs.map(Number)).toEqual([1.5, NaN, Infinity, -Infinity]);
    expect(tensorDataToJson('float16', new Uint16Array([0x7c00, 0x3c00]))).toEqual(['Infinity', 1]);
    expect(tensorDataToJson('float64', new Float64Array([2, 3]))).toEqual([2, 3]);
  });

  it('maps booleans to bytes and back', () => {
    const spec: TensorSpec = { name: 'mask', dtype: 'bool', shape: [null] };
    const tensor = toTensorValue(spec, [2], [true, false]);
    expect(tensorDataToJson('bool', tensor.data)).toEqual([true, false]);
    expect(messageOf(() => toTensorValue(spec, [1], [1]))).toContain('expected true or false');
  });
});

describe('output conversion', () => {
  it('nests flat values back into the tensor shape', () => {
    expect(nestValues([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(nestValues([7], [])).toBe(7);
  });

  it('round-trips float16 values exactly representable in half precision', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24, 3.140625]) expect(fromHalfBits(toHalfBits(v))).toBe(v);
    expect(fromHalfBits(toHalfBits(1e6))).toBe(Infinity);
  });
});

describe('nestedToTensorValue (the one-pass path for float inputs)', () => {
  const outcome = (run: () => unknown) => {
    try {
      const t = run() as { shape: number[]; data: Float32Array };
      return { shape: t.shape, data: Array.from(t.data) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  it('agrees with flattenNested + toTensorValue on any input, valid or not', () => {
    const cell = fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null), fc.boolean());
    const nested = fc.oneof(
      fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 4 }),
      fc.array(fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ noNaN: true })), { maxLength: 4 }),
      fc.array(fc.array(fc.array(cell, { maxLength: 3 }), { maxLength: 3 }), { maxLength: 3 }),
      cell,
    );
    fc.assert(
      fc.property(nested, (value) => {
        const slow = outcome(() => {
          const { shape, values } = flattenNested('features', value);
          return toTensorValue(features, shape, values);
        });
        expect(outcome(() => nestedToTensorValue(features, value))).toEqual(slow);
      }),
      { numRuns: 2000 },
    );
  });
});
