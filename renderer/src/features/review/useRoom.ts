import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import type { Room } from '../../../../shared/api/rooms';
import type { AppError } from '../../../../shared/errors';
import { addMember, readRoom, recordDecisions, SignatureCache, type RoomSnapshot } from '../../../../shared/review/doc';
import { signalingRoomName } from '../../../../shared/review/invite';
import { RoomPersistence } from '../../../../shared/review/persistence';
import { installWebrtcFraming, observeWebrtcSends } from '../../../../shared/review/webrtc-frames';
import { createOutboundRecorder } from '../audit/record-outbound';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type Presence = { clientId: number; name: string; address: string | null; viewing: string | null; isMe: boolean };

export type RoomConnection = {
  /** The user chose to work offline. */
  isWorkingOffline: boolean;
  /** A signaling server answers. */
  isSignalingConnected: boolean;
  /** Peers with an open WebRTC connection. */
  peerCount: number;
  hasSignalingServers: boolean;
  networkName: string | null;
  /**
   * The page's Content Security Policy refused a signaling server: the profile changed since the
   * page loaded (a reload applies it), or the server's address cannot be named in a policy.
   */
  isBlockedByPolicy: boolean;
};

// Before any provider exists: every message on a room's data channels is framed (see the module).
installWebrtcFraming();

const NAME_KEY = 'datanet-desk.reviewer-name';

export function reviewerName(address: string | null): string {
  return localStorage.getItem(NAME_KEY) ?? (address ? `Reviewer ${address.slice(2, 6)}` : 'Reviewer');
}

export function setReviewerName(name: string): void {
  localStorage.setItem(NAME_KEY, name);
}

type SignalingConnLike = { connected: boolean; url: string; send: (message: { type?: unknown }) => void; __audited?: boolean };

// y-protocols message types as y-webrtc uses them (first varuint of a message).
const YJS_MESSAGE_KINDS: Record<number, string> = { 0: 'yjs-sync', 1: 'yjs-awareness', 3: 'yjs-query-awareness', 4: 'yjs-bc-peer-id' };
type ProviderInternals = { signalingConns: SignalingConnLike[]; room: { webrtcConns: Map<string, { connected: boolean }> } | null };

/**
 * A review room open in this window: its Y.Doc loaded from the host's stored updates and kept
 * persisted, the y-webrtc provider (room password set, signaling from the network profile), the
 * room read as a snapshot on every change, presence from awareness, and the connection state.
 */
export function useRoom(room: Room, address: string | null) {
  const api = useApi();
  const [doc, setDoc] = useState<Y.Doc | null>(null);
  const cache = useMemo(() => new SignatureCache(), []);
  const providerRef = useRef<WebrtcProvider | null>(null);
  const persistenceRef = useRef<RoomPersistence | null>(null);
  const [snapshot, setSnapshot] = useState<RoomSnapshot | null>(null);
  const [presence, setPresence] = useState<Presence[]>([]);
  const [error, setError] = useState<AppError | null>(null);
  const [isWorkingOffline, setIsWorkingOffline] = useState(false);
  const [connection, setConnection] = useState<RoomConnection>({
    isWorkingOffline: false,
    isSignalingConnected: false,
    peerCount: 0,
    hasSignalingServers: false,
    networkName: null,
    isBlockedByPolicy: false,
  });

  useEffect(() => {
    const doc = new Y.Doc();
    let isCancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = (): void => {
      timer = null;
      const next = readRoom(doc, cache);
      // Any member may record a decision the rule has reached; every peer recomputes it anyway.
      if (address !== null && recordDecisions(doc, next, address, new Date().toISOString()) > 0) return;
      setSnapshot(next);
    };
    const schedule = (): void => {
      if (timer === null) timer = setTimeout(refresh, 50);
    };
    doc.on('update', schedule);
    // The page's only other WebSocket is the host's own, which 'self' allows: a refused ws/wss
    // connection is a signaling server.
    const onViolation = (event: SecurityPolicyViolationEvent): void => {
      if (event.effectiveDirective === 'connect-src' && /^wss?:/.test(event.blockedURI)) {
        setConnection((c) => (c.isBlockedByPolicy ? c : { ...c, isBlockedByPolicy: true }));
      }
    };
    document.addEventListener('securitypolicyviolation', onViolation);

    const recorder = createOutboundRecorder(api);
    const persistence = new RoomPersistence(
      doc,
      {
        load: async () => (await api.call('rooms.load', { id: room.id })).updates.map(fromBase64),
        append: async (update) => {
          await api.call('rooms.appendUpdate', { id: room.id, update: toBase64(update) });
        },
      },
      150,
      (e) => setError(toAppError(e)),
    );
    persistenceRef.current = persistence;

    void (async () => {
      try {
        await persistence.load();
        const { signalingUrls, iceServers, networkName } = await api.call('rooms.connection', {});
        if (isCancelled) return;
        refresh();
        setDoc(doc);
        if (address !== null && !doc.getMap('members').has(address)) {
          addMember(doc, { address, name: reviewerName(address), joinedAt: new Date().toISOString() });
        }
        const provider = new WebrtcProvider(signalingRoomName(room.roomName), doc, {
          signaling: signalingUrls,
          password: room.password,
          peerOpts: { config: { iceServers } },
        });
        providerRef.current = provider;
        // What leaves this window goes to the host's audit log: signaling messages (ciphertext
        // for a password-protected room) and every message to a peer.
        const endpoint = `webrtc:${signalingRoomName(room.roomName)}`;
        observeWebrtcSends((message) =>
          recorder.record({
            channel: 'review-peer',
            endpoint,
            what: YJS_MESSAGE_KINDS[message[0] ?? -1] ?? 'yjs-message',
            content: message,
            bytes: message.byteLength,
          }),
        );
        for (const conn of (provider as unknown as ProviderInternals).signalingConns) {
          if (conn.__audited) continue;
          const send = conn.send.bind(conn);
          conn.send = (message) => {
            recorder.record({
              channel: 'review-signaling',
              endpoint: conn.url,
              what: typeof message.type === 'string' ? message.type.slice(0, 50) : 'message',
              content: JSON.stringify(message),
              bytes: 0, // the recorder measures the content itself
            });
            send(message);
          };
          conn.__audited = true;
        }
        provider.awareness.setLocalStateField('user', { name: reviewerName(address), address });
        const onAwareness = (): void => {
          const states = provider.awareness.getStates();
          setPresence(
            [...states.entries()].map(([clientId, state]) => {
              const user = (state as { user?: { name?: unknown; address?: unknown } }).user;
              const viewing = (state as { viewing?: unknown }).viewing;
              return {
                clientId,
                name: typeof user?.name === 'string' ? user.name.slice(0, 60) : 'Someone',
                address: typeof user?.address === 'string' ? user.address : null,
                viewing: typeof viewing === 'string' ? viewing : null,
                isMe: clientId === doc.clientID,
              };
            }),
          );
        };
        provider.awareness.on('change', onAwareness);
        onAwareness();
        setConnection((c) => ({ ...c, hasSignalingServers: signalingUrls.length > 0, networkName }));
      } catch (e) {
        if (!isCancelled) setError(toAppError(e));
      }
    })();

    // y-webrtc has no event for signaling (dis)connection: poll its state once a second.
    const poll = setInterval(() => {
      const provider = providerRef.current as unknown as ProviderInternals | null;
      if (!provider) return;
      const isSignalingConnected = provider.signalingConns.some((c) => c.connected);
      // Connections still negotiating are not peers yet.
      const peerCount = [...(provider.room?.webrtcConns.values() ?? [])].filter((c) => c.connected).length;
      setConnection((c) =>
        c.isSignalingConnected === isSignalingConnected && c.peerCount === peerCount ? c : { ...c, isSignalingConnected, peerCount },
      );
    }, 1000);

    return () => {
      isCancelled = true;
      clearInterval(poll);
      document.removeEventListener('securitypolicyviolation', onViolation);
      if (timer !== null) clearTimeout(timer);
      doc.off('update', schedule);
      providerRef.current?.destroy();
      providerRef.current = null;
      observeWebrtcSends(null);
      void recorder.flush().catch(() => undefined);
      setDoc(null);
      void persistence.destroy().finally(() => doc.destroy());
    };
  }, [api, cache, room.id, room.roomName, room.password, address]);

  const setViewing = useCallback((itemKey: string | null) => {
    providerRef.current?.awareness.setLocalStateField('viewing', itemKey);
  }, []);

  const setOffline = useCallback((isOffline: boolean) => {
    const provider = providerRef.current;
    if (provider) {
      if (isOffline) provider.disconnect();
      else provider.connect();
    }
    setIsWorkingOffline(isOffline);
  }, []);

  /** Applies an update the host already stored (a shared item). */
  const applyStored = useCallback((update: string) => {
    persistenceRef.current?.applyStored(fromBase64(update));
  }, []);

  return {
    doc,
    snapshot,
    presence,
    connection: { ...connection, isWorkingOffline },
    error,
    clearError: () => setError(null),
    setViewing,
    setOffline,
    applyStored,
  };
}
