/** A policy's directives by name, each with its source list (the first of a repeated directive wins, as in a browser). */
export function cspDirectives(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The connect-src source list of a policy (default-src when it has none). */
export function connectSrc(policy: string): string[] {
  const directives = cspDirectives(policy);
  return directives.get('connect-src') ?? directives.get('default-src') ?? [];
}

/** Sources that allow a whole scheme (`ws:`, `https:`) or any host (`*`): what a tight connect-src must not contain. */
export function broadSources(sources: readonly string[]): string[] {
  return sources.filter((s) => /^[a-z][a-z0-9+.-]*:$/i.test(s) || s.includes('*'));
}
