import * as Y from 'yjs';

/** Where a room's updates are kept: the host through the API (renderer) or a test's service. */
export type RoomUpdateStore = {
  load(): Promise<Uint8Array[]>;
  append(update: Uint8Array): Promise<void>;
};

/**
 * Keeps a room's Y.Doc persisted: loads the stored updates, then stores every later update,
 * local or from peers, so the room survives a restart and offline edits are there to merge when
 * peers meet again. Updates of a burst are merged into one write (`delayMs`); `flush` writes at
 * once. Writes are serialised so the store sees them in order.
 */
export class RoomPersistence {
  private pending: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private isDestroyed = false;
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.isDestroyed) return;
    this.pending.push(update);
    if (this.timer === null) this.timer = setTimeout(() => void this.flush(), this.delayMs);
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly store: RoomUpdateStore,
    private readonly delayMs = 150,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Applies the stored updates (without storing them again), then starts persisting. */
  async load(): Promise<void> {
    const updates = await this.store.load();
    if (updates.length > 0) Y.applyUpdate(this.doc, Y.mergeUpdates(updates), this);
    this.doc.on('update', this.onUpdate);
  }

  /** Applies an update the store already holds (e.g. one the host made by sharing an item), without storing it twice. */
  applyStored(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, this);
  }

  /** Writes what is pending now; resolves when everything queued so far is stored. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length > 0) {
      const batch = this.pending.length === 1 ? (this.pending[0] as Uint8Array) : Y.mergeUpdates(this.pending);
      this.pending = [];
      this.chain = this.chain.then(() => this.store.append(batch)).catch((error: unknown) => this.onError(error));
    }
    return this.chain;
  }

  /** Stops persisting after writing what is pending. */
  async destroy(): Promise<void> {
    this.doc.off('update', this.onUpdate);
    await this.flush();
    this.isDestroyed = true;
  }
}
