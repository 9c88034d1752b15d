import type { NetworkProfile } from '../../../shared/network-profile';
import { startTap, type Tap } from './tap-proxy';

export type NetworkTaps = {
  /** The profile with the chain RPC, validator (and faucet) and every signaling server behind taps. */
  profile: NetworkProfile;
  taps: Tap[];
  captures(): { name: string; bytes: Uint8Array }[];
  /** Bytes the app sent through all taps together. */
  bytesSent(): number;
  close(): Promise<void>;
};

/**
 * Puts a tap in front of every endpoint of a network profile. Give the app `profile` (and the
 * renderer the same signaling URLs); everything it sends to the chain, validator, faucet or
 * signaling then passes a tap. The faucet shares the validator's tap when it is on the same host.
 */
export async function tapNetwork(profile: NetworkProfile): Promise<NetworkTaps> {
  const taps: Tap[] = [];
  const tap = async (name: string, url: string) => {
    const t = await startTap(name, url);
    taps.push(t);
    return t;
  };
  const rpc = await tap('chain-rpc', profile.rpcUrl);
  const validator = await tap('validator', profile.validatorUrl);
  const signaling = await Promise.all(profile.signalingUrls.map((u, i) => tap(`signaling${i}`, u)));
  let faucetUrl = profile.faucetUrl;
  if (faucetUrl) {
    const f = new URL(faucetUrl);
    const v = new URL(profile.validatorUrl);
    if (f.host === v.host) f.host = new URL(validator.url).host;
    else f.host = new URL((await tap('faucet', faucetUrl)).url).host;
    faucetUrl = f.href;
  }
  return {
    profile: {
      ...profile,
      rpcUrl: rpc.url,
      validatorUrl: validator.url,
      signalingUrls: signaling.map((t) => t.url),
      ...(faucetUrl ? { faucetUrl } : {}),
    },
    taps,
    captures: () => taps.flatMap((t) => t.captures()),
    bytesSent: () => taps.reduce((n, t) => n + t.bytesSent(), 0),
    close: async () => {
      await Promise.all(taps.map((t) => t.close()));
    },
  };
}
