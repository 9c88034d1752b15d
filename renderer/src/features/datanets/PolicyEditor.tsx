import { useState, type FormEvent } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { AppError } from '../../../../shared/errors';
import { FILE_TYPES, type FileType } from '../../../../shared/file-types';
import { MB, type Policy } from '../../../../shared/policy';
import { useApi } from '../../api/ApiContext';
import { downloadText } from '../../components/download';
import { ErrorNote, toAppError } from '../../components/ErrorNote';

function orNull(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

function mbOf(bytes: number): string {
  return String(Math.round((bytes / MB) * 1000) / 1000);
}

/**
 * Edits a Datanet's fields and policy; each saved policy change is a new version. With `onPropose`
 * (a shared Datanet, whose policy only governance changes) it edits a copy of the current policy
 * and hands it to `onPropose` instead of saving; the Datanet's own fields are not shown then.
 */
export function PolicyEditor({
  datanet,
  onSaved,
  onRemoved,
  onPropose,
}: {
  datanet: Datanet;
  onSaved: () => void;
  onRemoved: () => void;
  /** Answers the refusal to show, or null when the proposal was made. */
  onPropose?: (policy: Policy) => Promise<AppError | null>;
}) {
  const isProposing = onPropose !== undefined;
  const api = useApi();
  const [name, setName] = useState(datanet.name);
  const [domain, setDomain] = useState(datanet.domain);
  const [description, setDescription] = useState(datanet.description);
  const [types, setTypes] = useState<FileType[]>(datanet.policy.acceptedTypes);
  const [maxFileMb, setMaxFileMb] = useState(mbOf(datanet.policy.maxFileBytes));
  const [dailyMb, setDailyMb] = useState(mbOf(datanet.policy.quota.bytesPerDay));
  const [filesPerSubmission, setFilesPerSubmission] = useState(String(datanet.policy.quota.filesPerSubmission));
  const [filesPerDay, setFilesPerDay] = useState(datanet.policy.quota.filesPerDay === null ? '' : String(datanet.policy.quota.filesPerDay));
  const [isAnonRequired, setIsAnonRequired] = useState(datanet.policy.anonymisation.required);
  const dp = datanet.policy.dp;
  const optional = (n: number | null): string => (n === null ? '' : String(n));
  const [isDpRequired, setIsDpRequired] = useState(dp.required);
  const [dpEpsilon, setDpEpsilon] = useState(optional(dp.perRecordEpsilon));
  const [dpDelta, setDpDelta] = useState(optional(dp.delta));
  const [datasetCap, setDatasetCap] = useState(optional(dp.totalEpsilonCap));
  const [datanetCap, setDatanetCap] = useState(optional(dp.datanetEpsilonCap));
  const review = datanet.policy.review;
  const [minAccepts, setMinAccepts] = useState(String(review.minAccepts));
  const [maxRejects, setMaxRejects] = useState(String(review.maxRejects));
  const [minRejects, setMinRejects] = useState(String(review.minRejects));
  const gov = datanet.policy.governance;
  const [join, setJoin] = useState(gov.join);
  const [quorumPercent, setQuorumPercent] = useState(String(gov.quorumBps / 100));
  const [thresholdPercent, setThresholdPercent] = useState(String(gov.thresholdBps / 100));
  const [votingHours, setVotingHours] = useState(String(gov.votingPeriodSeconds / 3600));
  const [error, setError] = useState<AppError | null>(null);
  const [status, setStatus] = useState('');

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const policy: Policy = {
      ...datanet.policy,
      acceptedTypes: FILE_TYPES.filter((t) => types.includes(t)),
      maxFileBytes: Math.round(Number(maxFileMb) * MB),
      quota: {
        bytesPerDay: Math.round(Number(dailyMb) * MB),
        filesPerSubmission: Number(filesPerSubmission),
        filesPerDay: filesPerDay.trim() === '' ? null : Number(filesPerDay),
      },
      anonymisation: { ...datanet.policy.anonymisation, required: isAnonRequired },
      dp: {
        ...datanet.policy.dp,
        required: isDpRequired,
        perRecordEpsilon: orNull(dpEpsilon),
        delta: orNull(dpDelta),
        totalEpsilonCap: orNull(datasetCap),
        datanetEpsilonCap: orNull(datanetCap),
      },
      review: { minAccepts: Number(minAccepts), maxRejects: Number(maxRejects), minRejects: Number(minRejects) },
      governance: {
        ...datanet.policy.governance,
        join,
        quorumBps: Math.round(Number(quorumPercent) * 100),
        thresholdBps: Math.round(Number(thresholdPercent) * 100),
        votingPeriodSeconds: Math.round(Number(votingHours) * 3600),
      },
    };
    if (onPropose) {
      const refusal = await onPropose(policy);
      if (refusal) setError(refusal);
      else setStatus('Proposed. Members can vote on it now.');
      return;
    }
    try {
      const saved = await api.call('datanets.update', { id: datanet.id, name, domain, description, policy });
      setStatus(`Saved. Policy version ${saved.policyVersion}.`);
      onSaved();
    } catch (err) {
      setError(toAppError(err));
    }
  };

  const exportJson = async (): Promise<void> => {
    try {
      const { fileName, json } = await api.call('datanets.export', { id: datanet.id });
      downloadText(fileName, json);
    } catch (err) {
      setError(toAppError(err));
    }
  };

  const remove = async (): Promise<void> => {
    if (!window.confirm(`Delete the Datanet "${datanet.name}"? This cannot be undone.`)) return;
    try {
      await api.call('datanets.remove', { id: datanet.id });
      onRemoved();
    } catch (err) {
      setError(toAppError(err));
    }
  };

  return (
    <form className="form policy-form" onSubmit={(e) => void save(e)} aria-label={isProposing ? 'Proposed policy' : 'Policy'}>
      <fieldset hidden={isProposing}>
        <legend>Datanet</legend>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </label>
        <label>
          Domain
          <input value={domain} onChange={(e) => setDomain(e.target.value)} />
        </label>
        <label>
          Description
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Accepted file types</legend>
        <div className="checks">
          {FILE_TYPES.map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={types.includes(t)}
                onChange={(e) => setTypes(e.target.checked ? [...types, t] : types.filter((x) => x !== t))}
              />
              .{t}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Limits</legend>
        <label>
          Largest file (MB)
          <input type="number" min="0.001" step="any" value={maxFileMb} onChange={(e) => setMaxFileMb(e.target.value)} required />
        </label>
        <label>
          Bytes per day (MB)
          <input type="number" min="0.001" step="any" value={dailyMb} onChange={(e) => setDailyMb(e.target.value)} required />
        </label>
        <label>
          Files per submission
          <input
            type="number"
            min="1"
            step="1"
            value={filesPerSubmission}
            onChange={(e) => setFilesPerSubmission(e.target.value)}
            required
          />
        </label>
        <label>
          Files per day (empty: no limit)
          <input type="number" min="1" step="1" value={filesPerDay} onChange={(e) => setFilesPerDay(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Privacy</legend>
        <label className="check">
          <input type="checkbox" checked={isAnonRequired} onChange={(e) => setIsAnonRequired(e.target.checked)} />
          Anonymisation required before submission
        </label>
        <label className="check">
          <input type="checkbox" checked={isDpRequired} onChange={(e) => setIsDpRequired(e.target.checked)} />
          Differential privacy required for tables
        </label>
        <label>
          Default ε per record
          <input type="number" min="0" step="any" value={dpEpsilon} onChange={(e) => setDpEpsilon(e.target.value)} />
        </label>
        <label>
          δ per application (empty: 0)
          <input type="number" min="0" step="any" value={dpDelta} onChange={(e) => setDpDelta(e.target.value)} />
        </label>
        <label>
          ε cap per dataset (empty: none)
          <input type="number" min="0" step="any" value={datasetCap} onChange={(e) => setDatasetCap(e.target.value)} />
        </label>
        <label>
          ε cap for the whole Datanet (empty: none)
          <input type="number" min="0" step="any" value={datanetCap} onChange={(e) => setDatanetCap(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Review rooms</legend>
        <label>
          Accept votes an item needs
          <input type="number" min="1" max="100" step="1" value={minAccepts} onChange={(e) => setMinAccepts(e.target.value)} required />
        </label>
        <label>
          Reject votes an accepted item may have
          <input type="number" min="0" max="100" step="1" value={maxRejects} onChange={(e) => setMaxRejects(e.target.value)} required />
        </label>
        <label>
          Reject votes that reject an item
          <input type="number" min="1" max="100" step="1" value={minRejects} onChange={(e) => setMinRejects(e.target.value)} required />
        </label>
      </fieldset>
      <fieldset>
        <legend>Governance (once shared)</legend>
        <label>
          Joining
          <select value={join} onChange={(e) => setJoin(e.target.value as typeof join)}>
            <option value="open">open to anyone</option>
            <option value="approval">needs a curator&rsquo;s approval</option>
          </select>
        </label>
        <label>
          Quorum (% of the electorate)
          <input
            type="number"
            min="0"
            max="100"
            step="any"
            value={quorumPercent}
            onChange={(e) => setQuorumPercent(e.target.value)}
            required
          />
        </label>
        <label>
          Passes above (% of votes cast)
          <input
            type="number"
            min="0"
            max="99.99"
            step="any"
            value={thresholdPercent}
            onChange={(e) => setThresholdPercent(e.target.value)}
            required
          />
        </label>
        <label>
          Voting period (hours)
          <input type="number" min="0.017" step="any" value={votingHours} onChange={(e) => setVotingHours(e.target.value)} required />
        </label>
      </fieldset>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {status && (
        <p role="status" className="muted">
          {status}
        </p>
      )}
      <div className="actions">
        {!isProposing && (
          <>
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete Datanet
            </button>
            <button type="button" onClick={() => void exportJson()}>
              Export JSON
            </button>
          </>
        )}
        <button type="submit" className="primary">
          {isProposing ? 'Propose' : 'Save'}
        </button>
      </div>
    </form>
  );
}
