import type { SigningPrompt } from '../../../../shared/api/submissions';

function Fields({ label, fields }: { label: string; fields: { label: string; value: string }[] }) {
  return (
    <table className="signing-fields" aria-label={label}>
      <caption>{label}</caption>
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
        <Fields label="Manifest domain" fields={prompt.manifest.domain} />
        <Fields label="Manifest fields" fields={prompt.manifest.fields} />
        {prompt.manifest.files.map((file, i) => (
          <Fields key={file[0]?.value ?? i} label={`File ${i + 1}`} fields={file} />
        ))}
      </details>
      <details>
        <summary>EAS attestation of the contribution</summary>
        <Fields label="Attestation fields" fields={prompt.attestation.fields} />
      </details>
      <details>
        <summary>On-chain transaction (when online)</summary>
        <Fields label="Transaction fields" fields={prompt.transaction.fields} />
      </details>
    </div>
  );
}
