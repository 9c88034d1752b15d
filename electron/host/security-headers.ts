/**
 * The renderer's Content Security Policy. Electron gets the same policy from the page's meta tag;
 * the Node host also sends it as a header. Only the app's own scripts run, nothing is framed, and
 * the page can connect to nothing but its own origin (the WebSocket of this host) and to WebSocket
 * servers: review rooms' signaling servers come from the network profile the user selects, so
 * they cannot be listed here (WebRTC data channels are not governed by connect-src).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};
