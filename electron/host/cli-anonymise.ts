import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Dispatcher } from '../../shared/api/dispatcher';
import type { MethodName, MethodOutput } from '../../shared/api/index';
import { AppError } from '../../shared/errors';
import { detectAll } from '../../shared/pii/detect';
import type { GoldDoc } from '../../shared/pii/evaluate';
import { evaluate, parsePresidioResearch, parseSpansFormat } from '../../shared/pii/evaluate';

/** Usage lines of the anonymisation commands (README.md, Command line). */
export const ANONYMISE_USAGE = `  anonymise ITEM_ID                     (uses the stored review; undecided detections at or above the threshold are replaced, per the policy)
  eval-pii FILE [--format presidio-research|spans]`;

/** Options of these commands that take a value. */
export const ANONYMISE_VALUED = ['format'];

const FORMATS = ['presidio-research', 'spans'] as const;

async function call<M extends MethodName>(dispatch: Dispatcher, method: M, input: unknown): Promise<MethodOutput<M>> {
  const reply = await dispatch(method, input);
  if (!reply.ok) throw AppError.fromData(reply.error);
  return reply.result as MethodOutput<M>;
}

/** Reads gold documents; without --format, a list whose first entry has `full_text` is presidio-research. */
function parseGold(content: string, format: string | undefined): GoldDoc[] {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new AppError('invalid_input', `--format must be ${FORMATS.join(' or ')}.`);
  }
  const chosen = format ?? (/^\s*\[\s*\{[^]*?"full_text"\s*:/.test(content.slice(0, 10_000)) ? 'presidio-research' : 'spans');
  return chosen === 'presidio-research' ? parsePresidioResearch(content) : parseSpansFormat(content);
}

/** Per-label figures as the README's eval-pii shape prints them, from the evaluator's fuller result. */
export function evalPii(docs: readonly GoldDoc[]): {
  docs: number;
  entities: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  redaction: { charRecall: number; charPrecision: number };
} {
  const result = evaluate(docs.map((gold) => ({ gold, predicted: detectAll(gold.text) })));
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    docs: result.docs,
    entities: Object.fromEntries(
      result.perLabel.map((l) => [
        l.label,
        { precision: round(l.precision), recall: round(l.recall), f1: round(l.f1), support: l.support },
      ]),
    ),
    redaction: { charRecall: round(result.charRecall), charPrecision: round(result.charPrecision) },
  };
}

/** `eval-pii FILE`: needs no data folder. Returns false for any other command. */
export async function runOfflineAnonymiseCommand(
  command: string,
  args: string[],
  options: Map<string, string>,
  print: (value: unknown) => void,
): Promise<boolean> {
  if (command !== 'eval-pii') return false;
  const [file] = args;
  if (!file) throw new AppError('invalid_input', 'Name the annotated file: eval-pii FILE [--format presidio-research|spans]');
  let content: string;
  try {
    content = await readFile(resolve(file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError('invalid_input', code === 'ENOENT' ? `${file}: no such file.` : `${file}: cannot be read (${code ?? 'error'}).`);
  }
  print(evalPii(parseGold(content, options.get('format'))));
  return true;
}

/** `anonymise ITEM_ID`: `{itemId, versionId, report}`. Returns false for any other command. */
export async function runAnonymiseCommand(
  command: string,
  sub: string | undefined,
  dispatch: Dispatcher,
  print: (value: unknown) => void,
): Promise<boolean> {
  if (command !== 'anonymise') return false;
  if (!sub) throw new AppError('invalid_input', 'Name the item: anonymise ITEM_ID');
  const { itemId, versionId, report } = await call(dispatch, 'anonymise.export', { itemId: sub });
  print({ itemId, versionId, report });
  return true;
}
