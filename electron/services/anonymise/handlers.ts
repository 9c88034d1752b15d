import type { Handlers } from '../../../shared/api/dispatcher';
import type { AnonymiseService } from './anonymise-service';

type AnonymiseHandlers = Pick<Handlers, Extract<keyof Handlers, `anonymise.${string}`>>;

/** The contract's `anonymise.*` methods, routed to the service. */
export function anonymiseHandlers(service: AnonymiseService): AnonymiseHandlers {
  return {
    'anonymise.detect': (input) => service.detect(input),
    'anonymise.cancel': async ({ jobId }) => service.cancel(jobId),
    'anonymise.review': (input) => service.review(input),
    'anonymise.decide': (input) => service.decide(input),
    'anonymise.decideType': (input) => service.decideType(input),
    'anonymise.addSpan': (input) => service.addSpan(input),
    'anonymise.removeSpan': (input) => service.removeSpan(input),
    'anonymise.setThreshold': (input) => service.setThreshold(input),
    'anonymise.preview': (input) => service.preview(input),
    'anonymise.export': ({ itemId }) => service.exportVersion(itemId),
    'anonymise.columns': ({ itemId }) => service.columns(itemId),
    'anonymise.setColumnPolicy': (input) => service.setColumnPolicy(input),
    'anonymise.checkK': ({ itemId }) => service.checkK(itemId),
  };
}
