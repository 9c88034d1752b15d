import { checkEvent } from '../../shared/api/dispatcher';
import type { EventName, EventPayload } from '../../shared/api/index';

/** How long a burst of the same event is gathered before it goes out once. */
export const COALESCE_MS = 150;

export type EventListener = (event: EventName, payload: unknown) => void;

/** Fan-out of contract events from services to whichever transports are connected. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = checkEvent(event, payload);
    for (const listener of this.listeners) listener(event, checked);
  }

  /**
   * Emits once for a burst: a folder import changes a Datanet hundreds of times a second, and every
   * renderer refetches its lists on each event.
   */
  emitCoalesced<E extends EventName>(event: E, key: string, payload: EventPayload<E>, delayMs = COALESCE_MS): void {
    const id = `${event}:${key}`;
    if (this.pending.has(id)) return;
    this.pending.set(
      id,
      setTimeout(() => {
        this.pending.delete(id);
        this.emit(event, payload);
      }, delayMs),
    );
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
