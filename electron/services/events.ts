import { checkEvent } from '../../shared/api/dispatcher';
import type { EventName, EventPayload } from '../../shared/api/index';

export type EventListener = (event: EventName, payload: unknown) => void;

/** Fan-out of contract events from services to whichever transports are connected. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = checkEvent(event, payload);
    for (const listener of this.listeners) listener(event, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
