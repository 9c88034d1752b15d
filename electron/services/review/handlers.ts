import type { Handlers } from '../../../shared/api/dispatcher';
import type { roomMethods } from '../../../shared/api/rooms';
import type { RoomService } from './room-service';

/** The rooms.* contract handlers. */
export function roomHandlers(rooms: RoomService): Pick<Handlers, keyof typeof roomMethods> {
  return {
    'rooms.list': ({ datanetId }) => rooms.list(datanetId),
    'rooms.get': ({ id }) => rooms.get(id),
    'rooms.create': (input) => rooms.create(input),
    'rooms.join': (input) => rooms.join(input),
    'rooms.leave': ({ id }) => rooms.leave(id),
    'rooms.connection': () => rooms.connection(),
    'rooms.load': ({ id }) => rooms.load(id),
    'rooms.appendUpdate': ({ id, update }) => rooms.appendUpdate(id, update),
    'rooms.compact': ({ id }) => rooms.compact(id),
    'rooms.shareItem': ({ id, itemId }) => rooms.shareItem(id, itemId),
    'rooms.prepareSignature': ({ id, message }) => rooms.prepareSignature(id, message),
    'rooms.sign': ({ id, message, digest, requestId }) => rooms.sign(id, message, digest, requestId),
  };
}
