import { useEffect, useMemo, useRef, useState } from 'react';
import type { Room, RoomSignable } from '../../../../shared/api/rooms';
import {
  addComment,
  addProposal,
  addProposalVote,
  addThread,
  addVote,
  assign,
  filterItems,
  type ItemView,
  type QueueFilter,
  type RoomSnapshot,
} from '../../../../shared/review/doc';
import { VOTE_CHOICES, type VoteChoice } from '../../../../shared/review/eip712';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { RoomSignModal } from './RoomSignModal';
import { ShareItemsDialog } from './ShareItemsDialog';
import { reviewerName, useRoom, type Presence, type RoomConnection } from './useRoom';

const FILTERS: { id: QueueFilter; label: string }[] = [
  { id: 'needs-my-vote', label: 'Needs my vote' },
  { id: 'contested', label: 'Contested' },
  { id: 'decided', label: 'Decided' },
  { id: 'all', label: 'All' },
];

const OUTCOME_LABEL: Record<string, string> = {
  open: 'Open',
  'needs-changes': 'Needs changes',
  contested: 'Contested',
  accepted: 'Accepted',
  rejected: 'Rejected',
};

const short = (address: string | null): string => (address ? `${address.slice(0, 6)}…${address.slice(-4)}` : 'unknown');
const newId = (): string => crypto.randomUUID();

function ConnectionBadge({ connection, onToggle }: { connection: RoomConnection; onToggle: () => void }) {
  const isOnline = !connection.isWorkingOffline && connection.isSignalingConnected;
  const label = connection.isWorkingOffline
    ? 'Offline (working offline)'
    : !connection.hasSignalingServers
      ? 'Offline (no signaling server in the network profile)'
      : isOnline
        ? `Online · ${connection.peerCount} peer${connection.peerCount === 1 ? '' : 's'} connected`
        : connection.isBlockedByPolicy
          ? 'Offline (this window may not connect to the network’s signaling server: reload it after changing the network profile)'
          : 'Offline (signaling unreachable; edits are kept and merge later)';
  return (
    <div className="room-connection">
      <span role="status" className={`connection-badge ${isOnline ? 'online' : 'offline'}`} data-testid="room-connection">
        {label}
      </span>
      <button type="button" onClick={onToggle} aria-pressed={connection.isWorkingOffline}>
        {connection.isWorkingOffline ? 'Go online' : 'Work offline'}
      </button>
      {connection.isBlockedByPolicy && !isOnline && (
        <button type="button" onClick={() => location.reload()}>
          Reload window
        </button>
      )}
    </div>
  );
}

function PresenceList({ presence, items }: { presence: Presence[]; items: ItemView[] }) {
  return (
    <ul className="presence" aria-label="Who is here">
      {presence.map((p) => {
        const viewing = items.find((i) => i.key === p.viewing);
        return (
          <li key={p.clientId} className="avatar" title={p.address ?? undefined}>
            <span className="avatar-initial" aria-hidden="true">
              {p.name.slice(0, 1).toUpperCase()}
            </span>
            <span>
              {p.name}
              {p.isMe ? ' (you)' : ''}
              {viewing ? <span className="muted small"> · viewing {viewing.title}</span> : null}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function ItemDetail({
  item,
  snapshot,
  address,
  onSign,
  onComment,
  onReply,
  onAssignMe,
}: {
  item: ItemView;
  snapshot: RoomSnapshot;
  address: string | null;
  onSign: (message: RoomSignable) => void;
  onComment: (start: number, end: number, text: string) => void;
  onReply: (threadId: string, text: string) => void;
  onAssignMe: () => void;
}) {
  const textRef = useRef<HTMLTextAreaElement>(null);
  const [choice, setChoice] = useState<VoteChoice>('accept');
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [selection, setSelection] = useState<{ start: number; end: number } | null>(null);
  const threads = snapshot.threads.filter((t) => t.itemKey === item.key);
  const captureSelection = (): void => {
    const el = textRef.current;
    if (el && el.selectionEnd > el.selectionStart) setSelection({ start: el.selectionStart, end: el.selectionEnd });
  };
  return (
    <article className="room-item" aria-label={item.title}>
      <header>
        <h3>{item.title}</h3>
        <p className="muted small">
          <span data-testid="item-outcome">{OUTCOME_LABEL[item.outcome]}</span> · shared by {short(item.sharedBy)} · content sha256{' '}
          <span className="mono">{item.contentSha256.slice(0, 18)}…</span>
          {item.reportHash ? ' · anonymisation report attached' : ''}
        </p>
        <p className="small">
          Assigned: {item.assignees.length === 0 ? 'nobody' : item.assignees.map(short).join(', ')}{' '}
          {address && !item.assignees.includes(address) && (
            <button type="button" className="link" onClick={onAssignMe}>
              Assign me
            </button>
          )}
        </p>
      </header>
      <label className="room-text-label">
        Anonymised text (select a passage to comment on it)
        <textarea
          ref={textRef}
          className="room-text mono"
          readOnly
          value={item.text}
          rows={Math.min(16, Math.max(4, item.text.split('\n').length + 1))}
          onSelect={captureSelection}
          onMouseUp={captureSelection}
          onKeyUp={captureSelection}
        />
      </label>
      <form
        className="room-comment"
        onSubmit={(e) => {
          e.preventDefault();
          if (selection && comment.trim()) {
            onComment(selection.start, selection.end, comment.trim());
            setComment('');
            setSelection(null);
          }
        }}
      >
        <label>
          Comment on {selection ? `“${item.text.slice(selection.start, Math.min(selection.end, selection.start + 60))}”` : 'a selection'}
          <input value={comment} onChange={(e) => setComment(e.target.value)} disabled={!selection} />
        </label>
        <button type="submit" disabled={!selection || comment.trim() === ''}>
          Comment
        </button>
      </form>
      {threads.length > 0 && (
        <section aria-label="Comments">
          <h4>Comments</h4>
          {threads.map((t) => (
            <div key={t.id} className="thread">
              <button
                type="button"
                className="link quote"
                onClick={() => {
                  if (t.range && textRef.current) {
                    textRef.current.focus();
                    textRef.current.setSelectionRange(t.range.start, t.range.end);
                  }
                }}
              >
                {t.range ? `“${item.text.slice(t.range.start, t.range.end)}”` : `“${t.quote}” (text since removed)`}
              </button>
              <ul>
                {t.comments.map((c) => (
                  <li key={c.id}>
                    <strong>{c.name}</strong>: {c.text}
                  </li>
                ))}
              </ul>
              <ReplyBox onReply={(text) => onReply(t.id, text)} />
            </div>
          ))}
        </section>
      )}
      <section aria-label="Votes">
        <h4>Votes</h4>
        {item.votes.length === 0 ? (
          <p className="muted">No votes yet.</p>
        ) : (
          <ul className="votes">
            {item.votes.map((v) => (
              <li key={v.signature + v.reviewer} className={v.isValid ? (v.isCurrent ? 'vote' : 'vote superseded') : 'vote invalid'}>
                <span className="mono">{short(v.reviewer)}</span> <strong>{v.vote}</strong>
                {v.reason ? ` — ${v.reason}` : ''}{' '}
                {!v.isValid ? (
                  <span className="badge invalid">invalid signature · not counted</span>
                ) : !v.isCurrent ? (
                  <span className="badge">superseded</span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <form
          className="vote-form"
          onSubmit={(e) => {
            e.preventDefault();
            onSign({ kind: 'vote', itemKey: item.key, vote: choice, reason: reason.trim(), signedAt: Date.now() });
            setReason('');
          }}
        >
          <fieldset>
            <legend>Your vote</legend>
            {VOTE_CHOICES.map((c) => (
              <label key={c}>
                <input type="radio" name="vote" value={c} checked={choice === c} onChange={() => setChoice(c)} /> {c}
              </label>
            ))}
          </fieldset>
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
          </label>
          <button type="submit" className="primary" disabled={address === null}>
            Sign vote…
          </button>
          {address === null && <p className="muted small">Create or import a wallet (Submit tab) to vote: votes are signed.</p>}
        </form>
      </section>
    </article>
  );
}

function ReplyBox({ onReply }: { onReply: (text: string) => void }) {
  const [text, setText] = useState('');
  return (
    <form
      className="reply"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onReply(text.trim());
        setText('');
      }}
    >
      <label>
        Reply
        <input value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="submit" disabled={text.trim() === ''}>
        Reply
      </button>
    </form>
  );
}

function Governance({
  snapshot,
  address,
  onPropose,
  onSign,
}: {
  snapshot: RoomSnapshot;
  address: string | null;
  onPropose: (title: string, rule: { minAccepts: number; maxRejects: number; minRejects: number }) => void;
  onSign: (message: RoomSignable) => void;
}) {
  const [title, setTitle] = useState('');
  const [rule, setRule] = useState(snapshot.rule);
  return (
    <section className="governance" aria-label="Governance">
      <h3>Governance</h3>
      <p className="small">
        Decision rule: at least {snapshot.rule.minAccepts} accept{snapshot.rule.minAccepts === 1 ? '' : 's'} with at most{' '}
        {snapshot.rule.maxRejects} reject{snapshot.rule.maxRejects === 1 ? '' : 's'}; rejected at {snapshot.rule.minRejects} rejects. A
        proposal passes with more than half of the {snapshot.members.length} members.
      </p>
      {snapshot.proposals.map((p) => (
        <div key={p.id} className="proposal">
          <strong>{p.title}</strong> — accepts ≥ {p.rule.minAccepts}, rejects ≤ {p.rule.maxRejects}, rejected at {p.rule.minRejects} · yes{' '}
          {p.yes} · no {p.no}
          {p.invalidVotes > 0 ? ` · ${p.invalidVotes} invalid` : ''} {p.isPassed ? <span className="badge">passed</span> : null}{' '}
          {address && (
            <>
              <button
                type="button"
                onClick={() => onSign({ kind: 'proposal-vote', proposalId: p.id, choice: 'yes', signedAt: Date.now() })}
              >
                Vote yes…
              </button>{' '}
              <button type="button" onClick={() => onSign({ kind: 'proposal-vote', proposalId: p.id, choice: 'no', signedAt: Date.now() })}>
                Vote no…
              </button>
            </>
          )}
        </div>
      ))}
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (title.trim()) onPropose(title.trim(), rule);
          setTitle('');
        }}
      >
        <label>
          Propose a rule change
          <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Title" />
        </label>
        {(['minAccepts', 'maxRejects', 'minRejects'] as const).map((k) => (
          <label key={k}>
            {k}
            <input
              type="number"
              min={k === 'maxRejects' ? 0 : 1}
              max={100}
              value={rule[k]}
              onChange={(e) => setRule({ ...rule, [k]: Math.max(k === 'maxRejects' ? 0 : 1, Number(e.target.value) || 0) })}
            />
          </label>
        ))}
        <button type="submit" disabled={title.trim() === ''}>
          Propose
        </button>
      </form>
    </section>
  );
}

/**
 * A shared Datanet's room: its rule is the Datanet policy's review section, and changing it is a
 * Datanet governance proposal (one mechanism for every policy change), so the room offers none of its own.
 */
function SharedRule({
  snapshot,
  policyRule,
  onOpenGovernance,
}: {
  snapshot: RoomSnapshot;
  policyRule: { minAccepts: number; maxRejects: number; minRejects: number };
  onOpenGovernance: () => void;
}) {
  const r = snapshot.rule;
  const isSame = r.minAccepts === policyRule.minAccepts && r.maxRejects === policyRule.maxRejects && r.minRejects === policyRule.minRejects;
  return (
    <section className="governance" aria-label="Governance">
      <h3>Decision rule</h3>
      <p className="small" data-testid="room-rule">
        At least {r.minAccepts} accept{r.minAccepts === 1 ? '' : 's'} with at most {r.maxRejects} reject{r.maxRejects === 1 ? '' : 's'};
        rejected at {r.minRejects} rejects.
      </p>
      {!isSame && (
        <p className="small">
          The Datanet&rsquo;s current policy says {policyRule.minAccepts} / {policyRule.maxRejects} / {policyRule.minRejects}; this room
          keeps the rule it was opened with, and rooms opened from now on use the current one.
        </p>
      )}
      <p className="small">
        This rule is the shared Datanet&rsquo;s review policy: members change it with a governance proposal.{' '}
        <button type="button" className="link" onClick={onOpenGovernance}>
          Open the Governance tab
        </button>
      </p>
    </section>
  );
}

/** One review room: presence, connection, item queue with filters, item view with votes and comments, α, governance. */
export function RoomView({
  room,
  address,
  onBack,
  sharedRule,
}: {
  room: Room;
  address: string | null;
  onBack: () => void;
  /** For a room of a shared Datanet: the policy's review rule and the way to its governance. */
  sharedRule?: { rule: { minAccepts: number; maxRejects: number; minRejects: number }; onOpenGovernance: () => void };
}) {
  const { doc, snapshot, presence, connection, error, clearError, setViewing, setOffline, applyStored } = useRoom(room, address);
  const [filter, setFilter] = useState<QueueFilter>('all');
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [signing, setSigning] = useState<RoomSignable | null>(null);
  const [isSharing, setIsSharing] = useState(false);
  const [isCopied, setIsCopied] = useState(false);

  const items = useMemo(() => (snapshot ? filterItems(snapshot.items, filter, address) : []), [snapshot, filter, address]);
  const selected = snapshot?.items.find((i) => i.key === selectedKey) ?? null;
  useEffect(() => setViewing(selectedKey), [selectedKey, setViewing]);

  const name = reviewerName(address);
  const now = (): string => new Date().toISOString();

  return (
    <section className="room-view" aria-label={`Room ${snapshot?.meta?.title ?? room.title}`}>
      <header className="room-header">
        <button type="button" className="link" onClick={onBack}>
          ← Rooms
        </button>
        <h2>{snapshot?.meta?.title ?? room.title}</h2>
        <ConnectionBadge connection={connection} onToggle={() => setOffline(!connection.isWorkingOffline)} />
        <div className="invite">
          <label>
            Invitation (room name + password; share it like a password)
            <input readOnly value={room.invite} className="mono" onFocus={(e) => e.target.select()} />
          </label>
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard?.writeText(room.invite).then(
                () => setIsCopied(true),
                () => setIsCopied(false),
              );
            }}
          >
            {isCopied ? 'Copied' : 'Copy invite'}
          </button>
        </div>
        <PresenceList presence={presence} items={snapshot?.items ?? []} />
      </header>
      <ErrorNote error={error} onDismiss={clearError} />
      {snapshot === null || doc === null ? (
        <p className="muted">Opening the room…</p>
      ) : (
        <div className="room-body">
          <aside className="room-queue" aria-label="Item queue">
            <p className="small" data-testid="room-alpha">
              Agreement (Krippendorff's α, nominal): {snapshot.alpha === null ? 'not defined yet' : snapshot.alpha.toFixed(3)}
            </p>
            <div role="group" aria-label="Filter items" className="small-tabs">
              {FILTERS.map((f) => (
                <button
                  key={f.id}
                  type="button"
                  aria-pressed={filter === f.id}
                  className={filter === f.id ? 'active' : ''}
                  onClick={() => setFilter(f.id)}
                >
                  {f.label}
                </button>
              ))}
            </div>
            {snapshot.items.length === 0 ? (
              <EmptyState title="No items in this room yet">
                <p>Share anonymised items from this Datanet; teammates see them as soon as you are both online.</p>
              </EmptyState>
            ) : items.length === 0 ? (
              <p className="muted">No items match this filter.</p>
            ) : (
              <ul className="item-queue">
                {items.map((i) => {
                  const viewers = presence.filter((p) => !p.isMe && p.viewing === i.key);
                  return (
                    <li key={i.key}>
                      <button type="button" aria-current={i.key === selectedKey ? 'true' : undefined} onClick={() => setSelectedKey(i.key)}>
                        <span>{i.title}</span>{' '}
                        <span className="muted small">
                          {OUTCOME_LABEL[i.outcome]} · {i.current.length} vote{i.current.length === 1 ? '' : 's'}
                          {i.invalidVotes > 0 ? ` · ${i.invalidVotes} invalid` : ''}
                          {viewers.length > 0 ? ` · ${viewers.map((v) => v.name).join(', ')} here` : ''}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
            <button type="button" className="primary" onClick={() => setIsSharing(true)}>
              Share items…
            </button>
          </aside>
          <div className="room-main">
            {selected ? (
              <ItemDetail
                key={selected.key}
                item={selected}
                snapshot={snapshot}
                address={address}
                onSign={setSigning}
                onComment={(start, end, text) =>
                  addThread(doc, { id: newId(), itemKey: selected.key, start, end, by: address, name, commentId: newId(), text, at: now() })
                }
                onReply={(threadId, text) => addComment(doc, { id: newId(), threadId, by: address, name, at: now(), text })}
                onAssignMe={() => address && assign(doc, { itemKey: selected.key, reviewer: address, assignedBy: address, at: now() })}
              />
            ) : (
              <p className="muted">Choose an item in the queue to read and vote on it.</p>
            )}
            {sharedRule ? (
              <SharedRule snapshot={snapshot} policyRule={sharedRule.rule} onOpenGovernance={sharedRule.onOpenGovernance} />
            ) : (
              <Governance
                snapshot={snapshot}
                address={address}
                onSign={setSigning}
                onPropose={(title, rule) =>
                  addProposal(doc, { id: newId(), title, rationale: '', rule, proposedBy: address, createdAt: now() })
                }
              />
            )}
          </div>
        </div>
      )}
      {signing && (
        <RoomSignModal
          roomId={room.id}
          message={signing}
          onClose={() => setSigning(null)}
          onSigned={({ signer, signature }) => {
            if (doc) {
              if (signing.kind === 'vote') {
                addVote(doc, {
                  itemKey: signing.itemKey,
                  reviewer: signer,
                  vote: signing.vote,
                  reason: signing.reason,
                  signedAt: signing.signedAt,
                  signature,
                });
              } else {
                addProposalVote(doc, {
                  proposalId: signing.proposalId,
                  voter: signer,
                  choice: signing.choice,
                  signedAt: signing.signedAt,
                  signature,
                });
              }
            }
            setSigning(null);
          }}
        />
      )}
      {isSharing && (
        <ShareItemsDialog roomId={room.id} datanetId={room.datanetId} onShared={applyStored} onClose={() => setIsSharing(false)} />
      )}
    </section>
  );
}
