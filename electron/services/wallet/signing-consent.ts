import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors';

/** How long a prepared signing request stays valid: long enough to read the prompt, short enough not to linger. */
export const SIGNING_REQUEST_TTL_MS = 5 * 60_000;
/** Prepared requests kept at once; a renderer preparing in a loop cannot grow this without bound. */
const MAX_PENDING = 256;

/** What the trusted side shows before it signs: the facts a person checks, never the key. */
export type ConsentRequest =
  | {
      kind: 'submission';
      datanetName: string;
      networkName: string;
      manifestHash: string;
      itemCount: number;
      totalBytes: number;
      /** The highest fee the on-chain attestation may cost (wei, decimal), or null when not known yet. */
      maxFeeWei: string | null;
    }
  | { kind: 'room-vote'; roomTitle: string; summary: string; digest: string }
  | {
      /** A transaction to the Datanet registry (electron/services/datanets/registry-access.ts). */
      kind: 'registry';
      action: 'publish' | 'join' | 'request-join' | 'approve-member' | 'propose' | 'vote' | 'execute';
      datanetName: string;
      networkName: string;
      /** The Datanet's on-chain id (publish: the id it will get). */
      onchainId: string;
      /** publish, propose: the hash of the policy document the transaction names. */
      policyHash: string | null;
      /** vote, execute: the proposal; vote: the choice. */
      proposalId: string | null;
      choice: 'yes' | 'no' | null;
      /** approve-member: the account admitted. */
      account: string | null;
      /** gasLimit × maxFeePerGas of this transaction, as the RPC reported the fees (wei, decimal). */
      maxFeeWei: string;
    }
  | { kind: 'replace-wallet'; address: string; backupPath: string };

/**
 * A confirmation asked outside the renderer (Electron main: a native dialog). Injected because
 * services never import electron; the Node host and the CLI pass none (the user's own window
 * behind the host's token, or the user typing the command, is the consent there).
 */
export type ConsentPrompt = {
  /** Resolves true when the person confirmed; false when they declined or closed it. */
  confirm(request: ConsentRequest): Promise<boolean>;
};

type Pending = { kind: string; digest: string; expiresAt: number; details: ConsentRequest; payload: unknown };

/** A prepared request taken for signing: finish it when signed, or give it back when signing could not start. */
export type ClaimedRequest<T> = {
  payload: T;
  details: ConsentRequest;
  /** Asks the injected prompt, if any; `consent_required` when declined (the request is then spent). */
  confirm(details?: ConsentRequest): Promise<void>;
  /** Returns the request, unspent, for a retry (the wallet was locked, the network away). */
  release(): void;
};

/**
 * Signing requests the trusted side prepared and showed. A signature is made only for a request
 * prepared here, not expired, not used before, whose digest is what the caller says it showed and
 * what the request still rebuilds to: a renderer (or anything that reaches the contract) cannot
 * have something signed that the prepare step did not describe, nor replay one consent twice.
 */
export class SigningConsent {
  private readonly pending = new Map<string, Pending>();
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(private readonly options: { prompt?: ConsentPrompt; now?: () => number; ttlMs?: number } = {}) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? SIGNING_REQUEST_TTL_MS;
  }

  /** Whether a native confirmation is asked before signing (Electron). */
  get hasPrompt(): boolean {
    return this.options.prompt !== undefined;
  }

  /** Registers what a prompt showed; returns the id a signature must name, and when it expires. */
  register(kind: string, digest: string, details: ConsentRequest, payload: unknown): { requestId: string; expiresAt: string } {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
    }
    const requestId = randomUUID();
    const expiresAt = now + this.ttlMs;
    this.pending.set(requestId, { kind, digest: digest.toLowerCase(), expiresAt, details, payload });
    return { requestId, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Takes a request for signing, atomically (a second caller with the same id is refused at once).
   * `consent_required` when it is unknown, expired, used, of another kind, or `digest` differs.
   */
  claim<T>(kind: string, requestId: string, digest: string): ClaimedRequest<T> {
    const pending = this.pending.get(requestId);
    if (!pending || pending.kind !== kind) {
      throw new AppError('consent_required', 'Nothing was prepared for this signature (or it was already used): review it again.');
    }
    this.pending.delete(requestId);
    if (pending.expiresAt <= this.now()) {
      throw new AppError('consent_required', 'The signing prompt expired: review it again.');
    }
    if (pending.digest !== digest.toLowerCase()) {
      throw new AppError('consent_required', 'What would be signed differs from what was prepared: review it again.');
    }
    let isSpent = false;
    return {
      payload: pending.payload as T,
      details: pending.details,
      confirm: async (details) => {
        isSpent = true;
        const prompt = this.options.prompt;
        if (prompt && !(await prompt.confirm(details ?? pending.details))) {
          throw new AppError('consent_required', 'Signing was declined.');
        }
      },
      release: () => {
        if (!isSpent && pending.expiresAt > this.now()) this.pending.set(requestId, pending);
      },
    };
  }

  /** Asks the injected prompt for an action that has no prepared request (replacing the wallet). */
  async confirm(details: ConsentRequest): Promise<boolean> {
    return this.options.prompt ? this.options.prompt.confirm(details) : true;
  }
}
