import { describe, expect, it } from 'vitest';
import { isLoopbackHost, networkProfileSchema, profileEndpoints } from '../../shared/network-profile';

const BASE = {
  name: 'test',
  chainId: 31337,
  rpcUrl: 'https://rpc.example.org/v1',
  contracts: {
    eas: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    schemaRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    token: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    rewards: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  },
  schemas: { contribution: `0x${'11'.repeat(32)}`, verdict: `0x${'22'.repeat(32)}` },
  validatorUrl: 'https://validator.example.org',
  signalingUrls: ['wss://signal.example.org'],
  faucetUrl: 'https://validator.example.org/faucet',
};

const issuePath = (profile: unknown): string | undefined => {
  const parsed = networkProfileSchema.safeParse(profile);
  return parsed.success ? undefined : parsed.error.issues[0]?.path.join('.');
};

describe('network profile endpoints', () => {
  it('accepts https and wss anywhere', () => {
    expect(networkProfileSchema.safeParse(BASE).success).toBe(true);
  });

  it('refuses plain http or ws to another machine, naming the field', () => {
    for (const host of [
      '10.213.0.1',
      '192.168.1.10',
      'rpc.example.org',
      'localhost.example.org',
      '127.0.0.1.nip.io',
      '[::ffff:7f00:1]',
      '0.0.0.0',
    ]) {
      expect(issuePath({ ...BASE, rpcUrl: `http://${host}:8545/` })).toBe('rpcUrl');
      expect(issuePath({ ...BASE, validatorUrl: `http://${host}/` })).toBe('validatorUrl');
      expect(issuePath({ ...BASE, faucetUrl: `http://${host}/faucet` })).toBe('faucetUrl');
      expect(issuePath({ ...BASE, signalingUrls: ['wss://ok.example.org', `ws://${host}:4444`] })).toBe('signalingUrls.1');
    }
    const parsed = networkProfileSchema.safeParse({ ...BASE, rpcUrl: 'http://10.213.0.1:8545/' });
    expect(parsed.success ? '' : parsed.error.issues[0]?.message).toMatch(/must use https:\/\//);
  });

  it('accepts plain http and ws on loopback only (the devnet)', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '[::1]', '127.1']) {
      const profile = {
        ...BASE,
        rpcUrl: `http://${host}:8545/`,
        validatorUrl: `http://${host}:8546`,
        faucetUrl: `http://${host}:8546/faucet`,
      };
      expect(networkProfileSchema.safeParse({ ...profile, signalingUrls: [`ws://${host}:8547`] }).success).toBe(true);
    }
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('still refuses other schemes', () => {
    expect(issuePath({ ...BASE, rpcUrl: 'file:///etc/passwd' })).toBe('rpcUrl');
    expect(issuePath({ ...BASE, signalingUrls: ['https://signal.example.org'] })).toBe('signalingUrls.0');
    expect(issuePath({ ...BASE, validatorUrl: 'wss://validator.example.org' })).toBe('validatorUrl');
  });

  it('lists every server a profile names, with host:port and default ports written out', () => {
    const profile = networkProfileSchema.parse({ ...BASE, signalingUrls: ['wss://signal.example.org', 'ws://127.0.0.1:4444'] });
    expect(profileEndpoints(profile)).toEqual([
      { role: 'chain-rpc', url: 'https://rpc.example.org/v1', hostPort: 'rpc.example.org:443', isEncrypted: true },
      { role: 'validator', url: 'https://validator.example.org', hostPort: 'validator.example.org:443', isEncrypted: true },
      { role: 'faucet', url: 'https://validator.example.org/faucet', hostPort: 'validator.example.org:443', isEncrypted: true },
      { role: 'signaling', url: 'wss://signal.example.org', hostPort: 'signal.example.org:443', isEncrypted: true },
      { role: 'signaling', url: 'ws://127.0.0.1:4444', hostPort: '127.0.0.1:4444', isEncrypted: false },
    ]);
  });
});
