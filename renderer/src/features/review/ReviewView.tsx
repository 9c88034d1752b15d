import { useCallback, useEffect, useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { Room } from '../../../../shared/api/rooms';
import { useApi, useEvent } from '../../api/ApiContext';
import { useLoad, useTask } from '../../api/useContract';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { RoomView } from './RoomView';
import { reviewerName, setReviewerName } from './useRoom';
import './review.css';

/** The Datanet's rooms and the wallet's address, read together. */
type RoomsView = { rooms: Room[]; address: string | null };

/** The Review tab: the Datanet's rooms on this machine, create one, join by invitation, open one. */
export function ReviewView({
  datanet,
  onOpenGovernance,
}: {
  datanet: Datanet;
  /** A shared Datanet: its rooms' rule changes through its governance, opened here. */
  onOpenGovernance?: () => void;
}) {
  const api = useApi();
  const [openId, setOpenId] = useState<string | null>(null);
  const [address, setAddress] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [invite, setInvite] = useState('');
  const [name, setName] = useState('');

  const loadRooms = useCallback(async (): Promise<RoomsView> => {
    const [rooms, wallet] = await Promise.all([api.call('rooms.list', { datanetId: datanet.id }), api.call('wallet.status', {})]);
    return { rooms, address: wallet.address };
  }, [api, datanet.id]);
  // Another Datanet's rooms stay shown until this one's arrive.
  const view = useLoad(`review.rooms ${datanet.id}`, loadRooms, { isPreviousKept: true });
  // A create, join or leave, each followed by reading the list again (the joined room opens from it).
  const task = useTask();
  const loaded = view.data;
  const rooms = loaded?.rooms ?? null;
  // Every list read also reads the wallet, and the name field starts again from the stored name.
  useEffect(() => {
    if (!loaded) return;
    setAddress(loaded.address);
    setName(reviewerName(loaded.address));
  }, [loaded]);
  useEvent(
    'wallet.changed',
    useCallback((status: { address: string | null }) => setAddress(status.address), []),
  );
  const error = task.error ?? view.error;
  const clearErrors = (): void => {
    task.reset();
    view.clearError();
  };

  const open = rooms?.find((r) => r.id === openId) ?? null;
  if (open)
    return (
      <RoomView
        key={`${open.id}:${address ?? ''}`}
        room={open}
        address={address}
        onBack={() => setOpenId(null)}
        sharedRule={onOpenGovernance ? { rule: datanet.policy.review, onOpenGovernance } : undefined}
      />
    );

  const showFresh = (fresh: RoomsView): void => {
    // Before a first successful read there is nothing to update: that read is retried instead.
    if (loaded) view.setData(() => fresh);
    else view.retry();
  };

  const run = async (work: () => Promise<Room>): Promise<void> => {
    clearErrors();
    const done = await task.run(async () => {
      const room = await work();
      return { room, fresh: await loadRooms() };
    });
    if (!done.isOk) return;
    showFresh(done.value.fresh);
    setOpenId(done.value.room.id);
  };

  const leave = async (id: string): Promise<void> => {
    const done = await task.run(async () => {
      await api.call('rooms.leave', { id });
      return loadRooms();
    });
    if (done.isOk) showFresh(done.value);
  };

  return (
    <section className="review-view" aria-label="Review rooms">
      <ErrorNote error={error} onDismiss={clearErrors} />
      <div className="review-forms">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => api.call('rooms.create', { datanetId: datanet.id, title: title.trim() }));
          }}
        >
          <h3>New review room</h3>
          <label>
            Room title
            <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} />
          </label>
          <button type="submit" className="primary" disabled={title.trim() === ''}>
            Create room
          </button>
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => api.call('rooms.join', { datanetId: datanet.id, invite: invite.trim() }));
          }}
        >
          <h3>Join by invitation</h3>
          <label>
            Invitation
            <input value={invite} onChange={(e) => setInvite(e.target.value)} className="mono" placeholder="datanet-desk-room:v1:…" />
          </label>
          <button type="submit" disabled={invite.trim() === ''}>
            Join room
          </button>
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setReviewerName(name.trim() || reviewerName(address));
          }}
        >
          <h3>Your name in rooms</h3>
          <label>
            Display name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
          </label>
          <button type="submit">Save name</button>
        </form>
      </div>
      {rooms === null ? (
        <p className="muted">Loading…</p>
      ) : rooms.length === 0 ? (
        <EmptyState title="No review rooms yet">
          <p>
            A review room is a shared document your team edits peer to peer: anonymised items, signed votes, comments and decisions. Create
            one and send its invitation, or join one with an invitation you received.
          </p>
        </EmptyState>
      ) : (
        <ul className="room-list" aria-label="Rooms">
          {rooms.map((r) => (
            <li key={r.id}>
              <button type="button" onClick={() => setOpenId(r.id)}>
                {r.title}
              </button>{' '}
              <span className="muted small">
                {r.updateCount} stored update{r.updateCount === 1 ? '' : 's'} · {(r.storedBytes / 1000).toFixed(1)} kB
              </span>{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  void leave(r.id);
                }}
              >
                Leave
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
