import { createHmac } from 'node:crypto';
import type { HmacFn } from '../../../shared/pii/operators';

/**
 * HMAC-SHA256 for the pseudonym and date-shift operators (RFC 2104 over UTF-8 strings, hex
 * out). The shared core cannot import node:crypto, so the service injects this. The key is the
 * Datanet's pseudonymisation secret and must come from the app's secret store; it never
 * reaches the renderer, and without it nobody can recompute which original maps to which
 * pseudonym.
 */
export const hmacSha256Hex: HmacFn = (key, message) => createHmac('sha256', key).update(message, 'utf8').digest('hex');
