import { getCountries } from 'libphonenumber-js/max';
import type { Candidate } from '../types';

/** E-mail addresses and URLs (with a scheme, with www., or a bare domain with a known TLD). */

const GENERIC_TLDS =
  'com org net edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat app dev io ai co me tv cc ly site online store tech blog shop club xyz top live news cloud page web webcam health clinic care hospital doctor dental law legal lawyer attorney media digital email link space website world today life global network solutions services agency company group studio design academy center institute university school church london berlin paris nyc tokyo vlaanderen bayern wales scot eus gal cymru africa swiss ngo ong foundation charity science software systems consulting marketing finance bank insure money capital fund partners ventures works zone one plus wiki social chat photo photos pics video music art game games team support help guide tips report review reviews family kids love fun cool best green red blue black pink gold watch work jobs careers email host hosting domains download run tools cloud data security'.split(
    ' ',
  );

const TLDS = new Set<string>([...GENERIC_TLDS, ...getCountries().map((c) => c.toLowerCase()), 'uk', 'eu', 'ac', 'su']);

// Two-letter country codes that are also English words; "pain.It" is a missing space.
const WORDLIKE_TLDS = new Set(
  'it in is at be me to no so do go us am as by my on or an if of id hi ok pe re st ms mr dr pt ie ca la ne na sa'.split(' '),
);

const LOCAL_CHARS = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/;

function isDomainChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
}

/** RFC 1035 labels: 1-63 letters, digits or hyphens, not starting or ending with a hyphen. */
function isHostname(host: string): boolean {
  const labels = host.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-')) return false;
    if (!/^[A-Za-z0-9-]+$/.test(l)) return false;
  }
  const tld = labels[labels.length - 1] ?? '';
  return /^[A-Za-z]{2,24}$/.test(tld) || /^xn--[a-z0-9-]{2,59}$/i.test(tld);
}

/** E-mail addresses, found from each "@" (RFC 5322 dot-atom local part, RFC 1035 domain). */
export function detectEmails(text: string, emit: (c: Candidate) => void): void {
  let at = text.indexOf('@');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64 && LOCAL_CHARS.test(text.charAt(s - 1))) s--;
    while (s < at && text.charAt(s) === '.') s++;
    let e = at + 1;
    while (e < text.length && e - at < 254 && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charAt(e - 1) === '.' || text.charAt(e - 1) === '-')) e--;
    const local = text.slice(s, at);
    const domain = text.slice(at + 1, e);
    const next = text.indexOf('@', at + 1);
    if (local.length > 0 && !local.endsWith('.') && !local.includes('..') && isHostname(domain)) {
      const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
      const known = TLDS.has(tld) || tld.startsWith('xn--');
      emit({
        type: 'EMAIL',
        start: s,
        end: e,
        text: text.slice(s, e),
        confidence: known ? 0.95 : 0.85,
        reason: known ? 'e-mail address with a known top-level domain' : 'e-mail address',
        detector: 'email',
        specificity: 4,
      });
      at = next >= 0 && next < e ? text.indexOf('@', e) : next;
      continue;
    }
    at = next;
  }
}

const SCHEME_URL = /\b(?:https?|s?ftp):\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCT = /[.,;:!?)\]}'"]+$/;
const DOMAIN_TAIL = /\.([A-Za-z]{2,24})(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;
const PATH_AFTER = /(?::\d{2,5})?(?:\/[^\s<>"'`]*)?/y;

function trimUrl(s: string): string {
  let out = s.replace(TRAILING_PUNCT, '');
  // Keep a closing parenthesis that closes one inside the URL (Wikipedia-style links).
  if (s.length > out.length && s.charAt(out.length) === ')' && out.includes('(')) out += ')';
  return out;
}

/**
 * Whether `at` lies in one of `covered`'s spans, which are disjoint and sorted by start (scheme
 * URLs in text order): a binary search, so a document with many URLs and bare domains stays linear-logarithmic.
 */
function isInsideCovered(covered: readonly (readonly [number, number])[], at: number): boolean {
  let lo = 0;
  let hi = covered.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = covered[mid] as readonly [number, number];
    if (at < span[0]) hi = mid - 1;
    else if (at >= span[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** URLs with a scheme, www. hosts and bare domains whose TLD is known. */
export function detectUrls(text: string, emit: (c: Candidate) => void): void {
  const covered: [number, number][] = [];
  let m: RegExpExecArray | null;
  // Each "://" is found with indexOf, and the scheme regex runs only from the word before it.
  for (let colon = text.indexOf('://'); colon >= 0; colon = text.indexOf('://', colon + 3)) {
    let from = colon;
    while (from > 0 && colon - from < 5 && /[A-Za-z]/.test(text.charAt(from - 1))) from--;
    SCHEME_URL.lastIndex = from;
    m = SCHEME_URL.exec(text);
    if (m === null || m.index !== from) continue;
    const raw = trimUrl(m[0]);
    const host = raw.replace(/^[a-z]+:\/\//i, '').split(/[/?#:]/)[0] ?? '';
    if (!(isHostname(host) || host.startsWith('[') || host === 'localhost')) continue;
    covered.push([m.index, m.index + raw.length]);
    emit({
      type: 'URL',
      start: m.index,
      end: m.index + raw.length,
      text: raw,
      confidence: 0.9,
      reason: 'URL with a scheme',
      detector: 'url',
      specificity: 3,
    });
  }
  DOMAIN_TAIL.lastIndex = 0;
  let lastEnd = -1;
  while ((m = DOMAIN_TAIL.exec(text)) !== null) {
    const tail = m[1] ?? '';
    if (tail !== tail.toLowerCase() && tail !== tail.toUpperCase()) continue;
    if (!TLDS.has(tail.toLowerCase())) continue;
    const tldEnd = m.index + m[0].length;
    if (m.index < lastEnd) continue;
    let s = m.index;
    while (s > 0 && isDomainChar(text.charCodeAt(s - 1))) s--;
    while (s < m.index && (text.charAt(s) === '.' || text.charAt(s) === '-')) s++;
    if (s >= m.index) continue;
    const prev = s > 0 ? text.charAt(s - 1) : '';
    if (prev === '@' || prev === '/' || /[\p{L}\p{N}_]/u.test(prev)) continue;
    if (isInsideCovered(covered, s)) continue;
    const host = text.slice(s, tldEnd);
    if (!isHostname(host)) continue;
    // Abbreviations ("e.g.", "U.S.") and numbers ("36.8") are not hosts.
    const labels = host.split('.');
    if (labels.some((l) => l.length === 1) && !/^www\d{0,3}$/i.test(labels[0] ?? '')) continue;
    if (/^\d+$/.test(labels[0] ?? '')) continue;
    PATH_AFTER.lastIndex = tldEnd;
    const p = PATH_AFTER.exec(text);
    const end = tldEnd + (p !== null ? trimUrl(p[0]).length : 0);
    if (text.charAt(end) === '@') continue;
    const isWww = /^www\d{0,3}\./i.test(host);
    const wordlike = WORDLIKE_TLDS.has(tail.toLowerCase()) && !isWww && labels.length === 2;
    lastEnd = end;
    emit({
      type: 'URL',
      start: s,
      end,
      text: text.slice(s, end),
      confidence: isWww ? 0.8 : wordlike ? 0.2 : 0.5,
      reason: isWww ? 'web address (www.)' : `domain name with the top-level domain .${tail.toLowerCase()}`,
      detector: 'url',
      specificity: 2,
    });
  }
}
