import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  contentSecurityPolicyFor,
  signalingConnectSources,
  signalingSource,
} from '../../shared/content-security-policy';
import { broadSources, connectSrc } from '../helpers/csp';

describe('content security policy', () => {
  it('connect-src lists the own origin and the profile’s signaling origins, nothing else', () => {
    const policy = contentSecurityPolicyFor({
      signalingUrls: ['wss://signal.example.org/room?x=1', 'ws://127.0.0.1:8547', 'WSS://Signal.Example.org:443/other'],
    });
    expect(connectSrc(policy)).toEqual(["'self'", 'wss://signal.example.org', 'ws://127.0.0.1:8547']);
    expect(connectSrc(contentSecurityPolicyFor(null))).toEqual(["'self'"]);
    expect(connectSrc(contentSecurityPolicyFor({ signalingUrls: [] }))).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).toBe(contentSecurityPolicyFor(null));
  });

  it('a host name that would change the policy’s meaning, or an IPv6 literal CSP cannot name, is left out', () => {
    // URL parsing accepts all of these hosts; in a policy each would add a directive, a source or a wildcard.
    for (const url of ["ws://a;script-src 'unsafe-inline'/", 'ws://a;b/', 'ws://a,b:1/', "ws://a'b/", 'ws://a*b/', 'ws://[::1]:4444/']) {
      expect(signalingSource(url)).toBeNull();
    }
    expect(signalingSource('not a url')).toBeNull();
    expect(signalingSource('ws://user:secret@10.0.0.2:9/')).toBe('ws://10.0.0.2:9');
    expect(signalingSource('wss://bücher.example/')).toBe('wss://xn--bcher-kva.example');
    const policy = contentSecurityPolicyFor({ signalingUrls: ['ws://a;b/', 'wss://ok.example'] });
    expect(connectSrc(policy)).toEqual(["'self'", 'wss://ok.example']);
    expect(policy.split('; ')).toHaveLength(contentSecurityPolicy().split('; ').length);
    expect(signalingConnectSources(['ws://h:1/a', 'ws://h:1/b'])).toEqual(['ws://h:1']);
  });

  it('no scheme-wide or wildcard source anywhere a page could connect or load script', () => {
    const policy = contentSecurityPolicyFor({ signalingUrls: ['wss://signal.example.org'] });
    expect(broadSources(["'self'", 'ws:', 'wss:', '*', 'https://*.example', 'wss://ok.example'])).toHaveLength(4);
    expect(broadSources(connectSrc(policy))).toEqual([]);
    expect(policy).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});
