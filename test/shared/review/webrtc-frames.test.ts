import { describe, expect, it } from 'vitest';
import { FRAME_BYTES, installWebrtcFraming, SimplePeer as Peer } from '../../../shared/review/webrtc-frames';

type Wire = { send: (frame: Uint8Array) => void; receive: (data: ArrayBuffer) => void; received: Uint8Array[] };

/** Two ends of simple-peer's real send and receive methods, joined by an in-memory channel. */
function wire(): Wire {
  installWebrtcFraming();
  const proto = Peer.prototype as Record<string, (...args: unknown[]) => void>;
  const received: Uint8Array[] = [];
  const frames: Uint8Array[] = [];
  const sender = Object.assign(Object.create(Peer.prototype) as object, {
    destroying: false,
    destroyed: false,
    _channel: { send: (f: Uint8Array) => frames.push(f) },
  });
  const receiver = Object.assign(Object.create(Peer.prototype) as object, {
    destroyed: false,
    push: (d: Uint8Array) => received.push(new Uint8Array(d)),
  });
  return {
    send: (message) => {
      proto.send?.call(sender, message);
      for (const f of frames.splice(0)) {
        expect(f.length).toBeLessThanOrEqual(FRAME_BYTES);
        proto._onChannelMessage?.call(receiver, { data: f.slice().buffer });
      }
    },
    receive: (data) => proto._onChannelMessage?.call(receiver, { data }),
    received,
  };
}

describe('WebRTC message framing', () => {
  it('delivers small and multi-megabyte messages whole, in frames no larger than a data channel accepts', () => {
    const w = wire();
    const small = new Uint8Array([0, 1, 2, 3]);
    const big = new Uint8Array(3_000_000).map((_, i) => (i * 7) % 251);
    w.send(small);
    w.send(big);
    expect(w.received).toHaveLength(2);
    expect([...(w.received[0] as Uint8Array)]).toEqual([...small]);
    expect(Buffer.compare(Buffer.from(w.received[1] as Uint8Array), Buffer.from(big))).toBe(0);
  });

  it('ignores frames a hostile peer makes up (unknown kind, absurd counts, out-of-range index)', () => {
    const w = wire();
    const frame = (kind: number, index: number, count: number): ArrayBuffer => {
      const f = new Uint8Array(20);
      const view = new DataView(f.buffer);
      f[0] = kind;
      view.setUint32(1, 9);
      view.setUint32(5, index);
      view.setUint32(9, count);
      return f.buffer;
    };
    w.receive(frame(7, 0, 1));
    w.receive(frame(1, 0, 1_000_000));
    w.receive(frame(1, 5, 2));
    w.receive(frame(1, 0, 0));
    expect(w.received).toHaveLength(0);
  });
});
