import type { Handlers } from '../../../shared/api/dispatcher';
import type { SharedDatanetService } from './shared-datanet-service';

type SharedMethod =
  | 'datanets.publish'
  | 'datanets.browse'
  | 'datanets.join'
  | 'datanets.show'
  | 'datanets.sync'
  | 'datanets.acknowledgePolicy'
  | 'datanets.requests'
  | 'datanets.approveMember';

/** The shared-Datanet methods of shared/api/datanets.ts. */
export function sharedDatanetHandlers(shared: SharedDatanetService): Pick<Handlers, SharedMethod> {
  return {
    'datanets.publish': (input) => shared.publish(input),
    'datanets.browse': () => shared.browse(),
    'datanets.join': ({ onchainId }) => shared.join(onchainId),
    'datanets.show': ({ id }) => shared.show(id),
    'datanets.sync': ({ id }) => shared.sync(id),
    'datanets.acknowledgePolicy': ({ id }) => shared.acknowledgePolicy(id),
    'datanets.requests': ({ datanetId }) => shared.requests(datanetId),
    'datanets.approveMember': (input) => shared.approveMember(input),
  };
}
