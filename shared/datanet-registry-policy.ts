import { sha256, toUtf8String } from 'ethers';
import { canonicalJson } from './canonical-json';
import { MAX_POLICY_BYTES } from './datanet-registry';
import { AppError } from './errors';
import { bytes32Schema } from './hex';
import { policySchema } from './policy';
import type { Policy } from './policy';

/**
 * Policy documents by hash: the check both the policy endpoint (before it stores a document) and
 * the app (after it fetches one) apply, and the verifying fetch over an injected transport. The
 * registry holds only the hash, so whoever serves the bytes is untrusted: the bytes count only if
 * they hash to what the chain says.
 */

export type CheckedPolicyDocument = { policy: Policy; hash: string; bytes: Uint8Array };

/**
 * Accepts `bytes` as a policy document when they are at most MAX_POLICY_BYTES, UTF-8 JSON that
 * the policy schema accepts, and exactly the canonical JSON of what it parses to (every field
 * stated, keys sorted, no whitespace), so that one policy has one hash. Throws `invalid_policy`
 * with `details.reason` (`too_large`, `not_json`, `schema`, `not_canonical`).
 */
export function checkPolicyDocument(bytes: Uint8Array): CheckedPolicyDocument {
  if (bytes.length > MAX_POLICY_BYTES) {
    throw new AppError('invalid_policy', `A policy document may have at most ${MAX_POLICY_BYTES} bytes; this one has ${bytes.length}.`, {
      reason: 'too_large',
      limit: MAX_POLICY_BYTES,
      bytes: bytes.length,
    });
  }
  let text: string;
  let value: unknown;
  try {
    text = toUtf8String(bytes);
    value = JSON.parse(text);
  } catch {
    throw new AppError('invalid_policy', 'The policy document is not UTF-8 JSON.', { reason: 'not_json' });
  }
  const parsed = policySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'invalid_policy',
      `The policy document is not a valid policy: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      {
        reason: 'schema',
      },
    );
  }
  if (canonicalJson(parsed.data) !== text) {
    throw new AppError(
      'invalid_policy',
      'The policy document must be the canonical JSON of a fully stated policy (every field present, keys sorted, no whitespace).',
      { reason: 'not_canonical' },
    );
  }
  return { policy: parsed.data, hash: sha256(bytes), bytes };
}

/**
 * Accepts `bytes` as the policy document with hash `expectedHash` (sha256, 0x hex). A mismatch is
 * `invalid_policy` with `details.reason: 'hash_mismatch'`: the server sent another document than
 * the one the chain names, and nothing of it may be used.
 */
export function verifyPolicyDocument(bytes: Uint8Array, expectedHash: string): CheckedPolicyDocument {
  const expected = bytes32Schema.parse(expectedHash.toLowerCase());
  if (bytes.length > MAX_POLICY_BYTES) return checkPolicyDocument(bytes);
  const actual = sha256(bytes);
  if (actual !== expected) {
    throw new AppError('invalid_policy', 'The policy document served does not match the hash on the chain; it was not used.', {
      reason: 'hash_mismatch',
      expected,
      actual,
    });
  }
  return checkPolicyDocument(bytes);
}

/** GETs `url` and answers the status and body, reading at most `maxBytes` (more is an error). */
export type FetchBytes = (url: string, maxBytes: number) => Promise<{ status: number; bytes: Uint8Array }>;

/** The URL the validator serves a policy document at. */
export function policyDocumentUrl(validatorUrl: string, hash: string): string {
  return `${validatorUrl.replace(/\/$/, '')}/policies/${bytes32Schema.parse(hash.toLowerCase())}`;
}

/**
 * Fetches the policy document with hash `hash` from the validator and verifies it. 404 is
 * `not_found`; any other non-2xx is `unavailable`; a document that fails verification is
 * `invalid_policy` (see {@link verifyPolicyDocument}).
 */
export async function fetchPolicyDocument(fetchBytes: FetchBytes, validatorUrl: string, hash: string): Promise<CheckedPolicyDocument> {
  const url = policyDocumentUrl(validatorUrl, hash);
  const { status, bytes } = await fetchBytes(url, MAX_POLICY_BYTES);
  if (status === 404) throw new AppError('not_found', `The validator has no policy document ${hash}.`, { hash });
  if (status < 200 || status >= 300) {
    throw new AppError('unavailable', `The validator answered ${status} for policy document ${hash}; try again later.`, {
      hash,
      status,
      isNetworkError: status >= 500,
    });
  }
  return verifyPolicyDocument(bytes, hash);
}
