import type { NetworkProfile } from './network-profile';

/**
 * CSP source expressions allowed for a signaling server: a ws/wss origin whose host is a DNS name
 * or an IPv4 address, with an optional port. URL parsing lets `;`, `,`, `'` and `*` through in a
 * host name, and any of them would change the policy's meaning (a new directive, a new source, a
 * wildcard); CSP has no syntax for IPv6 literals (Chromium ignores such a source).
 */
const SIGNALING_ORIGIN = /^wss?:\/\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;

/** The origin of a signaling URL as a CSP source, or null when it cannot be expressed safely. */
export function signalingSource(url: string): string | null {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return null;
  }
  return SIGNALING_ORIGIN.test(origin) ? origin : null;
}

/** The connect-src sources a profile's review rooms need: its signaling servers' origins, once each. */
export function signalingConnectSources(signalingUrls: readonly string[]): string[] {
  const sources: string[] = [];
  for (const url of signalingUrls) {
    const source = signalingSource(url);
    if (source !== null && !sources.includes(source)) sources.push(source);
  }
  return sources;
}

/**
 * The renderer's Content Security Policy. Only the app's own scripts run, nothing is framed, and
 * the page connects to nothing but its own origin ('self' also covers the Node host's own
 * ws://127.0.0.1:PORT in Chromium) and `connectSources`: the selected network's signaling servers,
 * so script injected into the page cannot open a socket to anywhere else. Chain RPC, validator
 * and faucet requests are made by the services, never by the page. WebRTC data channels are not
 * governed by connect-src.
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy for a page served while `profile` is selected (none selected: own origin only). */
export function contentSecurityPolicyFor(profile: Pick<NetworkProfile, 'signalingUrls'> | null): string {
  return contentSecurityPolicy(signalingConnectSources(profile?.signalingUrls ?? []));
}
