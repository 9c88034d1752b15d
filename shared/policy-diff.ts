import { canonicalJson } from './canonical-json';
import type { Policy } from './policy';

/** One field that differs between two policy versions; `path` is dotted (`quota.bytesPerDay`). */
export type PolicyChange = { path: string; before: unknown; after: unknown };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(path: string, before: unknown, after: unknown, out: PolicyChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(path ? `${path}.${key}` : key, before[key], after[key], out);
    return;
  }
  // Arrays (accepted types) are one field: a reordered or edited list reads as one change.
  if (canonicalJson(before ?? null) !== canonicalJson(after ?? null)) {
    out.push({ path, before: before ?? null, after: after ?? null });
  }
}

/**
 * The field-by-field difference from `before` to `after`, in path order: what a person reads when
 * a new policy version arrives or a proposal would change the policy.
 */
export function diffPolicies(before: Policy, after: Policy): PolicyChange[] {
  const out: PolicyChange[] = [];
  walk('', before, after, out);
  return out;
}
