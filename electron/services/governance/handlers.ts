import type { Handlers } from '../../../shared/api/dispatcher';
import type { governanceMethods } from '../../../shared/api/governance';
import type { GovernanceService } from './governance-service';

/** The handlers of shared/api/governance.ts. */
export function governanceHandlers(governance: GovernanceService): Pick<Handlers, keyof typeof governanceMethods> {
  return {
    'governance.propose': (input) => governance.propose(input),
    'governance.vote': (input) => governance.vote(input),
    'governance.execute': (input) => governance.execute(input),
    'governance.list': (input) => governance.list(input),
  };
}
