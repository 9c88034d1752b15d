import Peer from 'simple-peer/simplepeer.min.js';

/**
 * Message framing for y-webrtc's data channels. y-webrtc sends a room's whole missing state as one
 * message when peers meet (sync step 2); a data channel refuses messages past its maximum size
 * (256 KiB in Chromium and libwebrtc), so a room of a few thousand votes would never sync. Every
 * message therefore goes out as frames of at most {@link FRAME_BYTES}: byte 0 is 0 for a whole
 * message, 1 for a fragment followed by message id, index and count (uint32 each), and the
 * receiver reassembles before y-webrtc sees the bytes. It patches simple-peer's prototype (the
 * same module instance y-webrtc uses), so every Datanet Desk peer speaks it; a peer without it
 * could not read these frames, which is acceptable because rooms only hold Datanet Desk peers.
 * Chromium closes a channel whose send buffer passes 16 MB: rooms beyond that need flow control.
 */
export const FRAME_BYTES = 64 * 1024;
const HEADER = 13;
const MAX_PARTS = 4096;

type Parts = { count: number; received: number; parts: Uint8Array[] };
type PeerLike = {
  __framesNext?: number;
  __framesParts?: Map<number, Parts>;
};
type SendFn = (this: PeerLike, chunk: unknown) => void;
type ReceiveFn = (this: PeerLike, event: { data: unknown }) => void;

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return new TextEncoder().encode(String(chunk));
}

let onSend: ((message: Uint8Array) => void) | null = null;

/** Sees every whole message sent to a room peer, before framing (the renderer's audit log). */
export function observeWebrtcSends(observer: ((message: Uint8Array) => void) | null): void {
  onSend = observer;
}

/** Installs the framing once per process or page (idempotent). */
export function installWebrtcFraming(): void {
  const proto = Peer.prototype;
  if (proto.__datanetFrames === true) return;
  const send = proto.send as SendFn;
  const receive = proto._onChannelMessage as ReceiveFn;
  if (typeof send !== 'function' || typeof receive !== 'function') throw new Error('simple-peer changed: cannot install framing');
  proto.__datanetFrames = true;

  proto.send = function (this: PeerLike, chunk: unknown): void {
    const bytes = toBytes(chunk);
    onSend?.(bytes);
    if (bytes.length + 1 <= FRAME_BYTES) {
      const frame = new Uint8Array(bytes.length + 1);
      frame.set(bytes, 1);
      send.call(this, frame);
      return;
    }
    const body = FRAME_BYTES - HEADER;
    const count = Math.ceil(bytes.length / body);
    const id = (this.__framesNext = ((this.__framesNext ?? 0) + 1) >>> 0);
    for (let i = 0; i < count; i++) {
      const slice = bytes.subarray(i * body, Math.min(bytes.length, (i + 1) * body));
      const frame = new Uint8Array(HEADER + slice.length);
      const view = new DataView(frame.buffer);
      frame[0] = 1;
      view.setUint32(1, id);
      view.setUint32(5, i);
      view.setUint32(9, count);
      frame.set(slice, HEADER);
      send.call(this, frame);
    }
  };

  proto._onChannelMessage = function (this: PeerLike, event: { data: unknown }): void {
    const frame = toBytes(event.data);
    if (frame[0] === 0) {
      receive.call(this, { data: frame.slice(1).buffer });
      return;
    }
    if (frame[0] !== 1 || frame.length < HEADER) return;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const id = view.getUint32(1);
    const index = view.getUint32(5);
    const count = view.getUint32(9);
    // Bounds keep a hostile peer from making this side hold unbounded partial messages.
    if (count === 0 || count > MAX_PARTS || index >= count) return;
    const all = (this.__framesParts ??= new Map<number, Parts>());
    let parts = all.get(id);
    if (!parts) {
      if (all.size >= 16) all.clear();
      all.set(id, (parts = { count, received: 0, parts: new Array<Uint8Array>(count) }));
    }
    if (parts.count !== count || parts.parts[index] !== undefined) return;
    parts.parts[index] = frame.slice(HEADER);
    parts.received++;
    if (parts.received < count) return;
    all.delete(id);
    const whole = new Uint8Array(parts.parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts.parts) {
      whole.set(p, offset);
      offset += p.length;
    }
    receive.call(this, { data: whole.buffer });
  };
}

/** simple-peer's class as y-webrtc loads it (for tests of the framing). */
export { Peer as SimplePeer };
