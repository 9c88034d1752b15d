import type { Handlers } from '../../../shared/api/dispatcher';
import type { rewardsMethods } from '../../../shared/api/rewards';
import type { RewardsService } from './rewards-service';

/** Contract handlers of the rewards methods. */
export function rewardsHandlers(rewards: RewardsService): Pick<Handlers, keyof typeof rewardsMethods> {
  return {
    'rewards.sync': () => rewards.sync(),
    'rewards.summary': (input) => rewards.summary(input),
    'rewards.earnings': () => rewards.earnings(),
    'rewards.trail': ({ datanetId }) => rewards.trail(datanetId),
    'rewards.exportTrail': ({ datanetId }) => rewards.exportTrail(datanetId),
    'rewards.whatIf': (input) => rewards.whatIf(input),
  };
}
