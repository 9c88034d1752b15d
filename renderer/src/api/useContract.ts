import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/api/index';
import type { AppError } from '../../../shared/errors';
import { useApi } from './ApiContext';
import { createMutationController, createQueryController, type Loader, type MutationResult, type RefreshOn } from './contract-query';

export type { LoadReason, MutationResult, RefreshOn } from './contract-query';

export type QueryOptions = {
  /** Events after which the answer may have changed: each loads it again (the data stays shown meanwhile). */
  refreshOn?: readonly RefreshOn[];
  /** False: no call is made (say, until the view has what the input needs). Default true. */
  isEnabled?: boolean;
  /** Keep showing the previous input's answer until the new one arrives (paging), instead of none. */
  isPreviousKept?: boolean;
};

export type Query<T> = {
  data: T | undefined;
  /** The failure of the last load, with the host's code; the data of an earlier load may still be shown. */
  error: AppError | null;
  isLoading: boolean;
  retry: () => void;
  clearError: () => void;
  /** Applies a mutation's answer to the data at once, before the next load. */
  setData: (update: (data: T) => T) => void;
};

/**
 * Loads through any function of the contract client, keyed by `key`: the general form behind
 * {@link useQuery}, for a view whose refresh differs from its first load (the loader is told why it runs).
 */
export function useLoad<T>(key: string, load: Loader<T>, options: QueryOptions = {}): Query<T> {
  const api = useApi();
  const [controller] = useState(() => createQueryController<T>(api.on));
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const isEnabled = options.isEnabled ?? true;
  const refreshOn = options.refreshOn ?? [];

  // Runs after every render, so that the loader and the event tests are the latest closures; it loads only when the key changed.
  useEffect(() => {
    controller.configure({ key, load, refreshOn, isEnabled });
  });
  useEffect(() => () => controller.stop(), [controller]);

  const isCurrent = snapshot.key === key;
  return {
    data: isCurrent || options.isPreviousKept ? snapshot.data : undefined,
    error: isCurrent ? snapshot.error : null,
    // Until the effect has started the load for a new key, the answer shown is not for it.
    isLoading: isEnabled && (snapshot.isLoading || !isCurrent),
    retry: controller.retry,
    clearError: controller.clearError,
    setData: controller.setData,
  };
}

/**
 * Calls a contract method and keeps its answer: loading, the error with its code, retry, the
 * events that refresh it, and late answers (for an input since changed, or after unmount) ignored.
 * `input` null is the same as `isEnabled: false`.
 */
export function useQuery<M extends MethodName>(
  method: M,
  input: MethodInput<M> | null,
  options: QueryOptions = {},
): Query<MethodOutput<M>> {
  const api = useApi();
  // Inputs are plain JSON (the contract's rule), so their text identifies a request whatever the object's identity.
  const key = `${method} ${JSON.stringify(input)}`;
  return useLoad<MethodOutput<M>>(key, () => (input === null ? Promise.reject(new Error('disabled query ran')) : api.call(method, input)), {
    ...options,
    isEnabled: input !== null && (options.isEnabled ?? true),
  });
}

export type Mutation<M extends MethodName> = {
  /** Calls the method; the answer, or the error (also kept in `error` for the view to show). */
  run: (input: MethodInput<M>) => Promise<MutationResult<MethodOutput<M>>>;
  isRunning: boolean;
  error: AppError | null;
  reset: () => void;
};

export type Task = {
  /** Runs the work; its answer, or the error (also kept in `error`, which each new run clears). */
  run: <T>(work: () => Promise<T>) => Promise<MutationResult<T>>;
  isRunning: boolean;
  error: AppError | null;
  reset: () => void;
};

/** Work of several contract calls started by one button (calls that must follow each other), with one running flag and error. */
export function useTask(): Task {
  const [controller] = useState(createMutationController);
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  useEffect(() => {
    controller.start();
    return () => controller.stop();
  }, [controller]);
  return { run: controller.run, isRunning: snapshot.isRunning, error: snapshot.error, reset: controller.reset };
}

export type Actions = Omit<Task, 'run'> & {
  /** Calls any method; the answer, or the error (also kept in `error`, which each new call clears). */
  call: <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MutationResult<MethodOutput<M>>>;
};

/**
 * Several methods called on demand that share one running flag and one error, for a view with one
 * error note for all its buttons (a review's accept, reject, add and remove).
 */
export function useActions(): Actions {
  const api = useApi();
  const { run, isRunning, error, reset } = useTask();
  const call = useCallback(<M extends MethodName>(method: M, input: MethodInput<M>) => run(() => api.call(method, input)), [run, api]);
  return { call, isRunning, error, reset };
}

/** Calls a contract method on demand (a button), keeping whether it runs and its last error. */
export function useMutation<M extends MethodName>(method: M): Mutation<M> {
  const { call, isRunning, error, reset } = useActions();
  const run = useCallback((input: MethodInput<M>) => call(method, input), [call, method]);
  return { run, isRunning, error, reset };
}
