import { contentSecurityPolicy } from '../../shared/content-security-policy';

/**
 * The policy when no network is selected or the selected one cannot be read: the page connects to
 * its own origin only (review rooms stay offline rather than the policy opening up).
 */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * The headers every response of the Node host carries. The CSP is computed per response from the
 * selected network profile (shared/content-security-policy.ts); the page's meta tag only bounds it.
 */
export function securityHeaders(csp: string = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}
