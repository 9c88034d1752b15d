import type { SigningPrompt } from '../../../../shared/api/submissions';

/** One table of signed fields, label then value; every signing prompt shows its fields this way. */
export function SigningFieldTable({
  label,
  caption,
  fields,
}: {
  label: string;
  caption?: string;
  fields: { label: string; value: string }[];
}) {
  return (
    <table className="signing-fields" aria-label={label}>
      <caption>{caption ?? label}</caption>
      <tbody>
        {fields.map((f) => (
          <tr key={f.label}>
            <th scope="row">{f.label}</th>
            <td className="mono">{f.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What is signed, in words first and then every field, exactly as it goes into the signatures. */
export function SigningFields({ prompt }: { prompt: SigningPrompt }) {
  return (
    <div className="signing-prompt">
      {prompt.summary.map((line) => (
        <p key={line}>{line}</p>
      ))}
      <details open>
        <summary>Manifest (EIP-712, signed by {prompt.signer})</summary>
        <SigningFieldTable label="Manifest domain" fields={prompt.manifest.domain} />
        <SigningFieldTable label="Manifest fields" fields={prompt.manifest.fields} />
        {prompt.manifest.files.map((file, i) => (
          <SigningFieldTable key={file[0]?.value ?? i} label={`File ${i + 1}`} fields={file} />
        ))}
      </details>
      <details>
        <summary>EAS attestation of the contribution</summary>
        <SigningFieldTable label="Attestation fields" fields={prompt.attestation.fields} />
      </details>
      <details>
        <summary>On-chain transaction (when online)</summary>
        <SigningFieldTable label="Transaction fields" fields={prompt.transaction.fields} />
      </details>
      <SigningFieldTable
        label="Fees"
        caption="Fees of the on-chain attestation: estimate and caps (over a cap, nothing is signed and it waits)"
        fields={prompt.fees.fields}
      />
    </div>
  );
}
