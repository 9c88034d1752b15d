import type { z } from 'zod';
import { AppError, errorCodeSchema } from '../../../shared/errors';
import { errorResponseSchema, faucetResultSchema, healthSchema, verdictSchema } from '../../../shared/validator-api';
import type { SubmissionRequest, Verdict } from '../../../shared/validator-api';
import type { OutboundRecorder } from '../audit/audit-log';
import { sendOutbound } from '../audit/outbound';
import type { OutboundLimits, OutboundResponse } from '../audit/outbound';

/** How long the validator may take to judge a submission (it attests its verdict on-chain first). */
export const VALIDATOR_TIMEOUT_MS = 60_000;

/**
 * The Datanet validator's HTTP JSON API (shared/validator-api.ts). Every answer is validated;
 * a network failure is `unavailable` (the queue waits and retries), an error answer keeps the
 * validator's AppError code. Requests go through sendOutbound: audited, no redirect to another
 * origin, answers capped (MAX_RESPONSE_BYTES) and the whole exchange bounded by `timeoutMs`.
 */
export class ValidatorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = VALIDATOR_TIMEOUT_MS,
    /** Every request is recorded in the audit log before it is sent. */
    private readonly outbound?: OutboundRecorder,
    private readonly limits: Pick<OutboundLimits, 'maxResponseBytes'> = {},
  ) {}

  /** Whether the validator answers (GET /health). */
  async health(): Promise<z.infer<typeof healthSchema>> {
    return this.request('GET', '/health', undefined, healthSchema);
  }

  /** Sends a submission and returns the verdict (idempotent by manifest hash on the validator's side). */
  async submit(request: SubmissionRequest): Promise<Verdict> {
    return this.request('POST', '/submissions', request, verdictSchema);
  }

  /** Asks a devnet faucet for test ether. */
  async faucet(url: string, address: string): Promise<z.infer<typeof faucetResultSchema>> {
    return this.request('POST', url, { address }, faucetResultSchema);
  }

  private async request<S extends z.ZodType>(method: string, path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const isFaucet = /^https?:/.test(path);
    const url = isFaucet ? path : `${this.baseUrl.replace(/\/$/, '')}${path}`;
    const response: OutboundResponse = await sendOutbound(
      this.outbound,
      {
        channel: isFaucet ? 'faucet' : 'validator',
        url,
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      { timeoutMs: this.timeoutMs, maxResponseBytes: this.limits.maxResponseBytes },
    );
    const server = isFaucet ? 'faucet' : 'validator';
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder().decode(response.body));
    } catch {
      throw new AppError('unavailable', `The ${server} answered ${response.status} without JSON; try again later.`, {
        isNetworkError: true,
      });
    }
    const ok = response.status >= 200 && response.status < 300;
    if (!ok) {
      const failure = errorResponseSchema.safeParse(payload);
      const code = errorCodeSchema.safeParse(failure.success ? failure.data.error.code : undefined);
      const message = failure.success ? failure.data.error.message : `HTTP ${response.status}`;
      throw new AppError(code.success ? code.data : 'internal', `The ${server} refused: ${message}`, {
        status: response.status,
        isNetworkError: response.status >= 500,
      });
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success)
      throw new AppError('internal', `The ${server}'s answer does not match its contract (${parsed.error.issues[0]?.message}).`);
    return parsed.data;
  }
}
