import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Dispatcher } from '../../shared/api/dispatcher';
import { describeZodError } from '../../shared/api/dispatcher';
import type { MethodName, MethodOutput } from '../../shared/api/index';
import { AppError } from '../../shared/errors';
import { datanetExportSchema, policySchema } from '../../shared/policy';

/** Usage lines of the shared-Datanet and governance commands (README, Command line). */
export const DATANET_USAGE = `  datanet publish ID --network FILE.json
  datanet list --network FILE.json                 (the Datanets published on that network, one per line)
  datanet join ONCHAIN_ID --network FILE.json
  datanet show ID [--network FILE.json]            (with --network: synced with the chain first)
  governance propose --datanet ID --policy NEW.json --network FILE.json
  governance vote PROPOSAL_ID --choice yes|no --network FILE.json
  governance execute PROPOSAL_ID --network FILE.json
  (transactions are signed with the wallet; its passphrase comes from DATANET_DESK_PASSPHRASE)`;

/** Options of these commands that take a value (`network`, `datanet`, `policy` are declared elsewhere too). */
export const DATANET_VALUED = ['network', 'datanet', 'policy', 'choice'];

async function call<M extends MethodName>(dispatch: Dispatcher, method: M, input: unknown): Promise<MethodOutput<M>> {
  const reply = await dispatch(method, input);
  if (!reply.ok) throw AppError.fromData(reply.error);
  return reply.result as MethodOutput<M>;
}

async function readJson(file: string, what: string, code: 'invalid_input' | 'invalid_policy'): Promise<unknown> {
  try {
    return JSON.parse(await readFile(resolve(file), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
    throw new AppError(code, `${what} ${file}: ${reason}.`);
  }
}

/** A bare policy or a whole exported Datanet document, parsed to the fully stated policy. */
async function readPolicyFile(file: string): Promise<unknown> {
  const raw = await readJson(file, '--policy', 'invalid_policy');
  const doc = datanetExportSchema.safeParse(raw);
  if (doc.success) return doc.data.policy;
  const policy = policySchema.safeParse(raw);
  if (!policy.success) throw new AppError('invalid_policy', `--policy ${file}: ${describeZodError(policy.error)}.`);
  return policy.data;
}

async function selectNetwork(dispatch: Dispatcher, options: Map<string, string>, isRequired: boolean): Promise<boolean> {
  const file = options.get('network');
  if (file === undefined) {
    if (isRequired) throw new AppError('invalid_input', '--network FILE.json is required.');
    return false;
  }
  await call(dispatch, 'network.setProfile', { json: JSON.stringify(await readJson(file, '--network', 'invalid_input')) });
  return true;
}

function positional(value: string | undefined, usage: string): string {
  if (!value) throw new AppError('invalid_input', `Usage: datanet-desk ${usage}`);
  return value;
}

/**
 * `datanet publish|list --network|join|show` and `governance propose|vote|execute`, one JSON
 * object per line. `datanet list` without `--network` is the local list (cli.ts): returns false.
 */
export async function runDatanetCommand(
  command: string,
  sub: string | undefined,
  args: string[],
  options: Map<string, string>,
  dispatch: Dispatcher,
  print: (value: unknown) => void,
): Promise<boolean> {
  const [target] = args;
  if (command === 'datanet' && sub === 'publish') {
    const id = positional(target, 'datanet publish ID --network FILE.json');
    await selectNetwork(dispatch, options, true);
    const published = await call(dispatch, 'datanets.publish', { id });
    print({ id: published.id, onchainId: published.onchainId, txHash: published.txHash, policyVersion: published.policyVersion });
    return true;
  }
  if (command === 'datanet' && sub === 'list' && options.has('network')) {
    await selectNetwork(dispatch, options, true);
    for (const d of await call(dispatch, 'datanets.browse', {})) {
      print({
        onchainId: d.onchainId,
        name: d.name,
        domain: d.domain,
        dataType: d.dataType,
        members: d.members,
        policyVersion: d.policyVersion,
      });
    }
    return true;
  }
  if (command === 'datanet' && sub === 'join') {
    const onchainId = positional(target, 'datanet join ONCHAIN_ID --network FILE.json');
    await selectNetwork(dispatch, options, true);
    print(await call(dispatch, 'datanets.join', { onchainId: onchainId.toLowerCase() }));
    return true;
  }
  if (command === 'datanet' && sub === 'show') {
    const id = positional(target, 'datanet show ID [--network FILE.json]');
    const isSynced = await selectNetwork(dispatch, options, false);
    const view = await call(dispatch, isSynced ? 'datanets.sync' : 'datanets.show', { id });
    print({ id: view.id, onchainId: view.onchainId, policyVersion: view.policyVersion, policy: view.policy, role: view.role });
    return true;
  }
  if (command === 'governance' && sub === 'propose') {
    const datanetId = options.get('datanet');
    const file = options.get('policy');
    if (!datanetId || !file)
      throw new AppError('invalid_input', 'Usage: datanet-desk governance propose --datanet ID --policy NEW.json --network FILE.json');
    const policy = await readPolicyFile(file);
    await selectNetwork(dispatch, options, true);
    const proposed = await call(dispatch, 'governance.propose', { datanetId, policy });
    print({ proposalId: proposed.proposalId, endsAt: proposed.endsAt });
    return true;
  }
  if (command === 'governance' && sub === 'vote') {
    const proposalId = positional(target, 'governance vote PROPOSAL_ID --choice yes|no --network FILE.json');
    const choice = options.get('choice');
    if (choice !== 'yes' && choice !== 'no') throw new AppError('invalid_input', '--choice must be yes or no.');
    await selectNetwork(dispatch, options, true);
    const voted = await call(dispatch, 'governance.vote', { proposalId, choice });
    print({ proposalId: voted.proposalId, yes: voted.yes, no: voted.no });
    return true;
  }
  if (command === 'governance' && sub === 'execute') {
    const proposalId = positional(target, 'governance execute PROPOSAL_ID --network FILE.json');
    await selectNetwork(dispatch, options, true);
    const executed = await call(dispatch, 'governance.execute', { proposalId });
    print({ proposalId: executed.proposalId, passed: executed.passed, policyVersion: executed.policyVersion });
    return true;
  }
  return false;
}
