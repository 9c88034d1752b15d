import { fetchPolicyDocument } from '../../../shared/datanet-registry-policy';
import type { CheckedPolicyDocument, FetchBytes } from '../../../shared/datanet-registry-policy';
import type { OutboundRecorder } from '../audit/audit-log';
import { sendOutbound } from '../audit/outbound';

/** Policy documents are small; a validator that does not answer within this is treated as unreachable. */
export const POLICY_FETCH_TIMEOUT_MS = 15_000;

/**
 * The Node transport for the verifying policy fetch: an audited GET (sendOutbound: recorded, no
 * cross-origin redirect, answer capped at the policy size limit, bounded in time).
 */
export function outboundFetchBytes(outbound: OutboundRecorder | undefined, timeoutMs = POLICY_FETCH_TIMEOUT_MS): FetchBytes {
  return async (url, maxBytes) => {
    const response = await sendOutbound(
      outbound,
      { channel: 'validator', url, method: 'GET', what: 'GET policy document' },
      { timeoutMs, maxResponseBytes: maxBytes },
    );
    return { status: response.status, bytes: response.body };
  };
}

/** Fetches the policy document `hash` names from the network's validator and verifies its hash. */
export async function fetchVerifiedPolicy(
  validatorUrl: string,
  hash: string,
  outbound: OutboundRecorder | undefined,
): Promise<CheckedPolicyDocument> {
  return fetchPolicyDocument(outboundFetchBytes(outbound), validatorUrl, hash);
}
