import { AppError } from '../../shared/errors';

/** Parses `--name value` / `--name=value` / `--flag` options; the rest are positional. */
export function parseArgs(argv: readonly string[], valued: readonly string[]): { options: Map<string, string>; positional: string[] } {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (eq >= 0) {
      options.set(name, arg.slice(eq + 1));
    } else if (valued.includes(name)) {
      const value = argv[i + 1];
      if (value === undefined) throw new AppError('invalid_input', `--${name} needs a value.`);
      options.set(name, value);
      i++;
    } else {
      options.set(name, 'true');
    }
  }
  return { options, positional };
}
