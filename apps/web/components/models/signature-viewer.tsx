import { formatShape } from '@/lib/client/format';
import type { Signature, TensorSpec } from '@/lib/client/types';

function TensorTable({ caption, tensors }: { caption: string; tensors: TensorSpec[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Shape</th>
          </tr>
        </thead>
        <tbody>
          {tensors.map((tensor) => (
            <tr key={tensor.name}>
              <td className="mono cell-title">{tensor.name}</td>
              <td className="mono">{tensor.dtype}</td>
              <td className="mono">{formatShape(tensor.shape)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Inputs and outputs as read from the artifact; `?` marks a dynamic dimension such as the batch. */
export function SignatureViewer({ signature }: { signature: Signature }) {
  return (
    <div className="grid-2">
      <TensorTable caption="Inputs" tensors={signature.inputs ?? []} />
      <TensorTable caption="Outputs" tensors={signature.outputs ?? []} />
    </div>
  );
}
