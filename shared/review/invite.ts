import { AppError } from '../errors';

/**
 * A room invitation: the room's network name and its password, in one copyable line. Whoever
 * holds it can read the room (the password is the key that encrypts signaling, and peers admit
 * anyone who can decrypt), so it is shared like a password.
 */
export const INVITE_PREFIX = 'datanet-desk-room:v1:';

export type Invite = { roomName: string; password: string };

const ROOM_NAME = /^[A-Za-z0-9._-]{3,120}$/;

export function formatInvite(invite: Invite): string {
  return `${INVITE_PREFIX}${encodeURIComponent(invite.roomName)}:${encodeURIComponent(invite.password)}`;
}

/** Parses an invitation; `invalid_input` for anything that is not one. */
export function parseInvite(text: string): Invite {
  const trimmed = text.trim();
  if (!trimmed.startsWith(INVITE_PREFIX)) {
    throw new AppError('invalid_input', `That is not a room invitation (it starts with "${INVITE_PREFIX}").`);
  }
  const parts = trimmed.slice(INVITE_PREFIX.length).split(':');
  if (parts.length !== 2) throw new AppError('invalid_input', 'That room invitation is incomplete: copy it again, whole.');
  let roomName: string;
  let password: string;
  try {
    roomName = decodeURIComponent(parts[0] as string);
    password = decodeURIComponent(parts[1] as string);
  } catch {
    throw new AppError('invalid_input', 'That room invitation is damaged: copy it again, whole.');
  }
  if (!ROOM_NAME.test(roomName)) throw new AppError('invalid_input', 'The invitation names no valid room.');
  if (password.length < 16) throw new AppError('invalid_input', 'The invitation carries no usable password.');
  return { roomName, password };
}

export function isValidRoomName(name: string): boolean {
  return ROOM_NAME.test(name);
}

/** The y-webrtc room (signaling topic) of a room: namespaced so other apps' rooms never collide. */
export function signalingRoomName(roomName: string): string {
  return `datanet-desk/${roomName}`;
}
