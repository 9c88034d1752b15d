import type { Candidate } from '../types';
import type { IdRule } from './id-runs';

/** IP addresses (v4 through the run scanner, v6 by its own scan) and MAC addresses. */

function octet(s: string): boolean {
  return s.length >= 1 && s.length <= 3 && /^\d+$/.test(s) && Number(s) <= 255;
}

export const ipv4Rule: IdRule = {
  detector: 'ip-address',
  type: 'IP_ADDRESS',
  minLength: 4,
  maxLength: 14,
  maxLetters: 0,
  minGroups: 4,
  maxGroups: 5,
  sepChars: './',
  specificity: 3,
  context: ['ip', 'ipv4', 'ip address', 'address', 'host', 'server', 'gateway'],
  contextBoost: 0.15,
  match(v) {
    if (v.groups.length !== 4 && v.groups.length !== 5) return null;
    for (let k = 0; k < 3; k++) if (v.seps[k] !== '.') return null;
    const parts = v.text.slice(v.start, v.end).split(/[./]/);
    for (let k = 0; k < 4; k++) if (!octet(parts[k] ?? '')) return null;
    if (v.groups.length === 5) {
      // CIDR suffix (RFC 4632): a prefix length of 0-32.
      if (v.seps[3] !== '/' || !/^\d{1,2}$/.test(parts[4] ?? '') || Number(parts[4]) > 32) return null;
    }
    // "1.2.3.4.5" and version strings: the address must not continue with another dotted part.
    if (v.after === '.' && /\d/.test(v.text.charAt(v.end + 1)) && v.groups.length === 4 && !v.isRunEnd) return null;
    return { confidence: 0.75, reason: v.groups.length === 5 ? 'IPv4 network (RFC 4632 prefix)' : 'IPv4 address (four octets of 0-255)' };
  },
};

const HEX = /^[0-9A-Fa-f]{1,4}$/;

/** Parses an RFC 4291 §2.2 text form (with an optional embedded IPv4 tail); true when valid. */
export function isValidIpv6(s: string): boolean {
  let body = s;
  let groupsNeeded = 8;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const parts = tail.split('.');
    if (parts.length !== 4 || !parts.every(octet)) return false;
    body = body.slice(0, lastColon + 1) + '0';
    groupsNeeded = 7;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const parse = (h: string): string[] | null => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => HEX.test(x)) ? g : null;
  };
  const left = parse(halves[0] ?? '');
  if (left === null) return false;
  if (halves.length === 1) return left.length === groupsNeeded;
  const right = parse(halves[1] ?? '');
  if (right === null) return false;
  return left.length + right.length < groupsNeeded;
}

const IPV6_CANDIDATE = /[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z]+)?(?:\/\d+)?/y;

/** IPv6 addresses, found from each "::" or hex:hex occurrence without scanning every word. */
export function detectIpv6(text: string, emit: (c: Candidate) => void): void {
  let from = 0;
  let lastEnd = -1;
  for (;;) {
    const colon = text.indexOf(':', from);
    if (colon < 0) return;
    from = colon + 1;
    if (colon < lastEnd) continue;
    const prev = colon > 0 ? text.charCodeAt(colon - 1) : 32;
    const next = colon + 1 < text.length ? text.charCodeAt(colon + 1) : 32;
    const isHexOrColon = (c: number) => (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    if (!isHexOrColon(prev) && !isHexOrColon(next)) continue;
    // Walk back to the start of the hex/colon run.
    let start = colon;
    while (start > 0 && isHexOrColon(text.charCodeAt(start - 1)) && colon - start < 45) start--;
    const before = start > 0 ? text.charAt(start - 1) : '';
    IPV6_CANDIDATE.lastIndex = start;
    const m = IPV6_CANDIDATE.exec(text);
    if (m === null) continue;
    let raw = m[0];
    // A trailing full stop or colon ends a sentence or a label, not the address.
    while (raw.endsWith('.') || (raw.endsWith(':') && !raw.endsWith('::'))) raw = raw.slice(0, -1);
    const after = text.charAt(start + raw.length);
    lastEnd = start + raw.length;
    from = Math.max(from, lastEnd);
    if (/[\w]/.test(before) || /[\w]/.test(after)) continue;
    let addr = raw;
    let prefix = '';
    const slash = addr.indexOf('/');
    if (slash >= 0) {
      prefix = addr.slice(slash + 1);
      addr = addr.slice(0, slash);
    }
    let zone = '';
    const pct = addr.indexOf('%');
    if (pct >= 0) {
      zone = addr.slice(pct);
      addr = addr.slice(0, pct);
    }
    if (!addr.includes(':') || !isValidIpv6(addr)) continue;
    let end = start + raw.length;
    if (prefix !== '' && Number(prefix) > 128) end = start + addr.length + zone.length;
    const unspecified = addr === '::';
    emit({
      type: 'IP_ADDRESS',
      start,
      end,
      text: text.slice(start, end),
      confidence: unspecified ? 0.1 : 0.75,
      reason: unspecified ? 'the unspecified IPv6 address (::)' : 'IPv6 address (RFC 4291 text form)',
      detector: 'ip-address',
      specificity: 3,
    });
  }
}

const MAC_TRIGGER = /[:-][0-9A-Fa-f]{2}[:-]|\.[0-9A-Fa-f]{4}\./g;
const MAC_AT =
  /(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Za-z:.-])/y;
const MAC_EDGE = /[0-9A-Za-z:.-]/;

/** MAC addresses (IEEE 802 EUI-48 in colon, hyphen or Cisco dotted notation). */
export function detectMac(text: string, emit: (c: Candidate) => void): void {
  // The separator pattern is rare in prose; only where it occurs is the full shape tried.
  MAC_TRIGGER.lastIndex = 0;
  let lastEnd = -1;
  let t: RegExpExecArray | null;
  while ((t = MAC_TRIGGER.exec(text)) !== null) {
    const from = t[0].startsWith('.') ? t.index - 4 : t.index - 2;
    MAC_TRIGGER.lastIndex = t.index + 1;
    for (const start of [from, from - 3, from - 6, from - 9, from - 5, from - 10]) {
      if (start < 0 || start < lastEnd) continue;
      if (start > 0 && MAC_EDGE.test(text.charAt(start - 1))) continue;
      MAC_AT.lastIndex = start;
      const m = MAC_AT.exec(text);
      if (m === null) continue;
      const hex = m[0].replace(/[:.-]/g, '').toUpperCase();
      lastEnd = start + m[0].length;
      MAC_TRIGGER.lastIndex = lastEnd;
      if (hex === 'FFFFFFFFFFFF' || hex === '000000000000') break;
      emit({
        type: 'DEVICE_ID',
        start,
        end: lastEnd,
        text: m[0],
        confidence: 0.75,
        reason: 'MAC address (EUI-48), a device identifier',
        detector: 'mac-address',
        specificity: 3,
      });
      break;
    }
  }
}
