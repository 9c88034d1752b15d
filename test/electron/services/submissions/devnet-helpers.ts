import { Contract, Interface, zeroPadValue } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { decodeContributionData } from '../../../../shared/attestation-schemas';
import { EAS_ABI } from '../../../../shared/eas-abi';
import type { NetworkProfile } from '../../../../shared/network-profile';

const EAS = new Interface(EAS_ABI);

/** Every on-chain contribution attestation an attester made, with the manifest hash it records. */
export async function onchainContributions(
  rpc: JsonRpcProvider,
  profile: NetworkProfile,
  attester: string,
): Promise<{ uid: string; manifestHash: string; txHash: string }[]> {
  const logs = await rpc.getLogs({
    address: profile.contracts.eas,
    topics: [EAS.getEvent('Attested')?.topicHash ?? null, null, zeroPadValue(attester, 32), profile.schemas.contribution],
    fromBlock: 0,
  });
  const eas = new Contract(profile.contracts.eas, EAS_ABI, rpc);
  const found: { uid: string; manifestHash: string; txHash: string }[] = [];
  for (const log of logs) {
    const uid = String(EAS.parseLog(log)?.args.getValue('uid')).toLowerCase();
    const attestation = (await eas.getFunction('getAttestation')(uid)) as { data: string };
    found.push({ uid, manifestHash: decodeContributionData(attestation.data).manifestHash, txHash: log.transactionHash });
  }
  return found;
}
