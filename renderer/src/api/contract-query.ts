import type { ApiClient } from '../../../shared/api/client';
import type { EventName, EventPayload } from '../../../shared/api/index';
import { AppError } from '../../../shared/errors';

/** Turns anything thrown into an AppError for display; the UI branches on its code. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal', 'Something went wrong; try again.');
}

/** Why a load runs: the first for its input, the user's retry, or an event that says the answer changed. */
export type LoadReason = 'load' | 'retry' | 'event';

export type Loader<T> = (context: { reason: LoadReason; previous: T | undefined }) => Promise<T>;

/** An event that refreshes a query, with an optional test of its payload (say, only events for this item). */
export type RefreshOn = EventName | { [E in EventName]: { event: E; when: (payload: EventPayload<E>) => boolean } }[EventName];

export type QueryConfig<T> = {
  /** Identifies the request: a new key starts a new load and makes answers for the old one late. */
  key: string;
  load: Loader<T>;
  refreshOn: readonly RefreshOn[];
  isEnabled: boolean;
};

export type QuerySnapshot<T> = {
  /** The key the data and error belong to (null before the first answer). */
  key: string | null;
  data: T | undefined;
  error: AppError | null;
  isLoading: boolean;
};

export type QueryController<T> = {
  getSnapshot(): QuerySnapshot<T>;
  subscribe(listener: () => void): () => void;
  /** Takes the latest config; loads again only when the key or isEnabled changed, or after stop. */
  configure(config: QueryConfig<T>): void;
  retry(): void;
  /** A local change to the data (the answer of a mutation), so the view need not wait for the next load. */
  setData(update: (data: T) => T): void;
  clearError(): void;
  /** Ignores every answer still on its way and drops the event subscriptions (unmount). */
  stop(): void;
};

type Subscribe = ApiClient['on'];

function eventOf(r: RefreshOn): EventName {
  return typeof r === 'string' ? r : r.event;
}

/**
 * The state machine behind useQuery, free of React so that it can be tested without a DOM. Every
 * load gets a generation number; an answer is applied only if no later load started and the
 * query was not stopped, which is how a late answer for a previous input or an unmounted view is
 * ignored (the contract has no way to abort a call, so cancelling means not listening).
 */
export function createQueryController<T>(on: Subscribe): QueryController<T> {
  let snapshot: QuerySnapshot<T> = { key: null, data: undefined, error: null, isLoading: false };
  let config: QueryConfig<T> | null = null;
  let generation = 0;
  let isStopped = true;
  let subscribedTo = '';
  let unsubscribe: (() => void)[] = [];
  const listeners = new Set<() => void>();

  const set = (next: Partial<QuerySnapshot<T>>): void => {
    snapshot = { ...snapshot, ...next };
    for (const listener of listeners) listener();
  };

  const run = (reason: LoadReason): void => {
    if (!config || !config.isEnabled || isStopped) return;
    const mine = ++generation;
    const { key, load } = config;
    const previous = snapshot.key === key ? snapshot.data : undefined;
    set({ isLoading: true });
    load({ reason, previous }).then(
      (data) => {
        if (mine === generation && !isStopped) set({ key, data, error: null, isLoading: false });
      },
      (error: unknown) => {
        if (mine !== generation || isStopped) return;
        // An answer kept for this key stays on screen under the error; one for another key does not.
        set({ key, data: snapshot.key === key ? snapshot.data : undefined, error: toAppError(error), isLoading: false });
      },
    );
  };

  const dropSubscriptions = (): void => {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    subscribedTo = '';
  };

  const subscribeEvents = (refreshOn: readonly RefreshOn[]): void => {
    const names = [...new Set(refreshOn.map(eventOf))];
    const signature = names.join('\n');
    if (signature === subscribedTo) return;
    dropSubscriptions();
    subscribedTo = signature;
    unsubscribe = names.map((name) =>
      on(name, (payload) => {
        // The tests are read from the latest config, so a view's filters may close over fresh props.
        const matches = (config?.refreshOn ?? []).some(
          (r) => eventOf(r) === name && (typeof r === 'string' || (r.when as (p: unknown) => boolean)(payload)),
        );
        if (matches) run('event');
      }),
    );
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    configure(next) {
      const isNew = isStopped || !config || config.key !== next.key || config.isEnabled !== next.isEnabled;
      config = next;
      isStopped = false;
      if (next.isEnabled) subscribeEvents(next.refreshOn);
      else dropSubscriptions();
      if (!isNew) return;
      if (next.isEnabled) run('load');
      else {
        generation++;
        if (snapshot.isLoading) set({ isLoading: false });
      }
    },
    retry: () => run('retry'),
    setData(update) {
      if (snapshot.data === undefined) return;
      set({ data: update(snapshot.data) });
    },
    clearError() {
      if (snapshot.error) set({ error: null });
    },
    stop() {
      isStopped = true;
      generation++;
      dropSubscriptions();
      if (snapshot.isLoading) snapshot = { ...snapshot, isLoading: false };
    },
  };
}

export type MutationSnapshot = { isRunning: boolean; error: AppError | null };

/** What a mutation's run gives back: its answer, or the error it also shows. Never null for a failure. */
export type MutationResult<T> = { isOk: true; value: T } | { isOk: false; error: AppError };

export type MutationController = {
  getSnapshot(): MutationSnapshot;
  subscribe(listener: () => void): () => void;
  run<T>(work: () => Promise<T>): Promise<MutationResult<T>>;
  reset(): void;
  stop(): void;
  start(): void;
};

/**
 * The state behind useMutation. Runs may overlap (a reviewer pressing A on three detections in a
 * row); it is running while any is, and the error is the last failure since the last start of a
 * run. After stop (unmount) results are still returned to the caller but not stored.
 */
export function createMutationController(): MutationController {
  let snapshot: MutationSnapshot = { isRunning: false, error: null };
  let running = 0;
  let isStopped = false;
  const listeners = new Set<() => void>();
  const set = (next: Partial<MutationSnapshot>): void => {
    if (isStopped) return;
    snapshot = { ...snapshot, ...next };
    for (const listener of listeners) listener();
  };
  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async run(work) {
      running++;
      set({ isRunning: true, error: null });
      try {
        const value = await work();
        return { isOk: true, value };
      } catch (e) {
        const error = toAppError(e);
        set({ error });
        return { isOk: false, error };
      } finally {
        running--;
        set({ isRunning: running > 0 });
      }
    },
    reset: () => set({ error: null }),
    stop() {
      isStopped = true;
    },
    start() {
      isStopped = false;
    },
  };
}
