#!/usr/bin/env node
// Crash trials: SIGKILL the app's Node process (the `datanet-desk` command line, which runs the
// same services as the desktop app and the Node host) at random points of import, anonymisation,
// embedding and submission, start it again, and check what a crash must never do:
//   - lose an item whose import was reported committed, or store one twice;
//   - leave a half-written original (every blob's sha256 matches its name; temporary files are
//     never items);
//   - duplicate or lose a submission on chain (the on-chain attestations of the contributor are
//     exactly the accepted submissions' UIDs);
//   - stop queued work from resuming (the same command run again finishes it).
// Usage: npm run crash-trials [-- --trials 6 --phases import,anonymise,embed,submit --seed 7 --keep]
// Prints one JSON line per trial and a summary line; exits 1 on any failure. Needs `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Contract, EventLog, JsonRpcProvider } from 'ethers';
import { mulberry32 } from '../shared/seeded-prng.js';

/** @typedef {typeof import('../electron/services/index')} ServicesModule */
/** @typedef {import('../electron/services/index').Services} Services */
/** @typedef {import('../shared/network-profile').NetworkProfile} NetworkProfile */
/** @typedef {'import' | 'anonymise' | 'embed' | 'submit'} Phase */
/**
 * One run of the command line: its JSON output lines, how it ended, and how long it ran.
 * @typedef {{ lines: Record<string, unknown>[], code: number | null, isKilled: boolean, ms: number, stderr: string }} CliRun
 */
/**
 * What one trial of a phase works on; `profilePath` and `onchainUids` are set for the submit phase.
 * @typedef {object} TrialContext
 * @property {string} work
 * @property {string} dataDir
 * @property {string} datanetId
 * @property {number} counter
 * @property {number} filesPerTrial
 * @property {() => number | undefined} delay when to SIGKILL the command (ms), or never
 * @property {string} [profilePath]
 * @property {(attester: string) => Promise<string[]>} [onchainUids]
 */
/** @typedef {{ runMs: number, isKilled: boolean, problems: string[] } & Record<string, unknown>} TrialOutcome */
/** @typedef {TrialOutcome & { phase: Phase, trial: number | 'calibration' }} TrialResult */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICES = join(ROOT, 'out/main/services.js');
const CLI = join(ROOT, 'bin/datanet-desk.js');
const DEVNET_CLI = join(ROOT, 'out/devnet/cli.js');
const MODEL = join(ROOT, '../shared/models/random-minilm-l6');
const PASSPHRASE = 'crash trials passphrase';
/** @type {readonly Phase[]} */
export const PHASES = ['import', 'anonymise', 'embed', 'submit'];

/**
 * @param {string} name
 * @returns {name is Phase}
 */
function isPhase(name) {
  return /** @type {readonly string[]} */ (PHASES).includes(name);
}

const FIRST = ['Alice', 'Bruno', 'Chen', 'Dara', 'Emeka', 'Fatima', 'Goran', 'Hana'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Haddad', 'Kowalski', 'Silva', 'Byrne'];
const FINDINGS = ['persistent dry cough', 'elevated blood pressure', 'lower back pain', 'seasonal allergies', 'mild anaemia'];

/**
 * A clinical-style note with identifiers, unique per `n`.
 * @param {number} n
 */
function note(n) {
  const name = `${FIRST[n % FIRST.length]} ${LAST[(n * 3) % LAST.length]}`;
  return [
    `Patient ${name} (MRN ${100000 + n}) seen on 2026-0${(n % 9) + 1}-1${n % 10}.`,
    `Presented with ${FINDINGS[n % FINDINGS.length]} for ${2 + (n % 12)} days; phone +44 20 7946 ${String(1000 + (n % 9000)).padStart(4, '0')}.`,
    `Plan: review in ${1 + (n % 6)} weeks. Case ${n}-${createHash('sha256').update(String(n)).digest('hex').slice(0, 12)}.`,
    'Examination otherwise unremarkable; advised rest, fluids and a follow-up visit if symptoms persist.',
  ].join('\n');
}

/**
 * Runs the command line; with `killAfterMs`, SIGKILLs it then. Resolves with its JSON lines.
 * @param {string} dataDir
 * @param {string[]} args
 * @param {number} [killAfterMs]
 * @returns {Promise<CliRun>}
 */
function runCli(dataDir, args, killAfterMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir], {
      cwd: ROOT,
      env: { ...process.env, DATANET_DESK_PASSPHRASE: PASSPHRASE, DATANET_DESK_MODEL_DIR: MODEL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    /** @type {Record<string, unknown>[]} */
    const lines = [];
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line));
      } catch {
        // progress text that is not JSON
      }
    });
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const started = Date.now();
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      // Let readline deliver what was already read.
      setImmediate(() => resolve({ lines, code, isKilled: signal === 'SIGKILL', ms: Date.now() - started, stderr }));
    });
  });
}

/**
 * How a run that was not killed ended (a refusal is information, not a crash).
 * @param {CliRun} run
 */
function exitOf(run) {
  return run.isKilled ? {} : { exitCode: run.code, lastLine: run.lines.at(-1), stderr: run.stderr.slice(0, 200) || undefined };
}

/**
 * @param {string} dataDir
 * @returns {Promise<Services>}
 */
async function openServices(dataDir) {
  const { createServices } = /** @type {ServicesModule} */ (await import(pathToFileURL(SERVICES).href));
  // The same model the command line is given, so coverage counts vectors of that model.
  return createServices({
    dataDir,
    host: 'node',
    version: 'crash-trials',
    embeddingModelDir: MODEL,
    submission: { isAutomatic: false, log: () => undefined },
  });
}

/**
 * Every stored original is whole: named by the sha256 of its bytes; temporary files are not items.
 * @param {Services} s
 * @param {string} dataDir
 * @param {string[]} problems
 */
async function checkBlobs(s, dataDir, problems) {
  const root = join(dataDir, 'blobs');
  for (const shard of existsSync(root) ? readdirSync(root) : []) {
    if (shard === 'tmp') continue;
    for (const name of readdirSync(join(root, shard))) {
      const bytes = readFileSync(join(root, shard, name));
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== name) problems.push(`blob ${name} holds bytes hashing to ${actual}`);
    }
  }
  // Items and versions reference blob rows; each row must have its whole file, so no temporary
  // file can stand in for an item.
  const { rows } = await s.db.query('select sha256 from blobs');
  for (const { sha256 } of rows) {
    if (!existsSync(join(root, sha256.slice(0, 2), sha256))) problems.push(`blob row ${sha256} has no file`);
  }
  const temps = existsSync(join(root, 'tmp')) ? readdirSync(join(root, 'tmp')) : [];
  return temps.length;
}

/**
 * The item an import stored or found; a trial's own note always has one.
 * @param {import('../shared/api/library').ImportResult} result
 */
function itemIdOf(result) {
  if (!result.itemId) throw new Error(`import failed: ${JSON.stringify(result)}`);
  return result.itemId;
}

/**
 * @param {Services} s
 * @param {string} name
 */
async function newDatanet(s, name) {
  return (await s.datanets.create({ name, domain: 'clinical', description: 'Crash trial notes.' })).id;
}

/** @type {Record<Phase, (ctx: TrialContext) => Promise<TrialOutcome>>} */
const phases = {
  async import(ctx) {
    const dir = mkdtempSync(join(ctx.work, 'import-'));
    /** @type {string[]} */
    const files = [];
    for (let i = 0; i < ctx.filesPerTrial; i++) {
      const text = note(ctx.counter++);
      const path = join(dir, `note-${i}.txt`);
      writeFileSync(path, text);
      files.push(createHash('sha256').update(text).digest('hex'));
    }
    const killed = await runCli(ctx.dataDir, ['import', '--datanet', ctx.datanetId, dir], ctx.delay());
    const committed = killed.lines.filter((l) => l.status === 'imported').map((l) => l.itemId);
    const again = await runCli(ctx.dataDir, ['import', '--datanet', ctx.datanetId, dir]);
    /** @type {string[]} */
    const problems = [];
    if (again.code !== 0) problems.push(`import after restart failed: ${again.stderr.slice(0, 300)}`);
    const s = await openServices(ctx.dataDir);
    try {
      for (const id of committed) {
        const { rows } = await s.db.query('select 1 from items where id = $1', [id]);
        if (rows.length !== 1) problems.push(`committed item ${id} is lost`);
      }
      const { rows } = await s.db.query(
        'select sha256, count(*)::int as n from items where datanet_id = $1 and sha256 = any($2) group by sha256',
        [ctx.datanetId, files],
      );
      if (rows.length !== files.length) problems.push(`${files.length - rows.length} files of the trial are not items after the restart`);
      for (const r of rows) if (r.n !== 1) problems.push(`file ${r.sha256} is stored as ${r.n} items`);
      const temps = await checkBlobs(s, ctx.dataDir, problems);
      return {
        runMs: killed.ms,
        isKilled: killed.isKilled,
        ...exitOf(killed),
        committedBeforeKill: committed.length,
        tempLeftovers: temps,
        problems,
      };
    } finally {
      await s.close();
    }
  },

  async anonymise(ctx) {
    const s0 = await openServices(ctx.dataDir);
    let itemId;
    try {
      const r = await s0.library.importBytes({
        datanetId: ctx.datanetId,
        name: `anon-${ctx.counter}.txt`,
        bytes: new TextEncoder().encode(note(ctx.counter++)),
      });
      itemId = itemIdOf(r);
    } finally {
      await s0.close();
    }
    const killed = await runCli(ctx.dataDir, ['anonymise', itemId], ctx.delay());
    const again = await runCli(ctx.dataDir, ['anonymise', itemId]);
    /** @type {string[]} */
    const problems = [];
    if (again.code !== 0)
      problems.push(`anonymise after restart failed: ${JSON.stringify(again.lines.at(-1))} ${again.stderr.slice(0, 300)}`);
    const s = await openServices(ctx.dataDir);
    try {
      const { rows } = await s.db.query(
        `select content_sha256, count(*)::int as n from item_versions where item_id = $1 and kind = 'anonymised' group by content_sha256`,
        [itemId],
      );
      if (rows.length === 0) problems.push(`item ${itemId} has no anonymised version after the restart`);
      // Running `anonymise` again stores another version even without a crash (each export is
      // one): counted, not a crash failure.
      const identicalVersions = rows.reduce((n, r) => n + r.n - 1, 0);
      const temps = await checkBlobs(s, ctx.dataDir, problems);
      return {
        runMs: killed.ms,
        isKilled: killed.isKilled,
        ...exitOf(killed),
        versions: rows.length,
        identicalVersions,
        tempLeftovers: temps,
        problems,
      };
    } finally {
      await s.close();
    }
  },

  async embed(ctx) {
    const s0 = await openServices(ctx.dataDir);
    try {
      for (let i = 0; i < ctx.filesPerTrial; i++) {
        await s0.library.importBytes({
          datanetId: ctx.datanetId,
          name: `embed-${ctx.counter}.txt`,
          bytes: new TextEncoder().encode(note(ctx.counter++)),
        });
      }
    } finally {
      await s0.close();
    }
    const killed = await runCli(ctx.dataDir, ['embed', '--datanet', ctx.datanetId], ctx.delay());
    const again = await runCli(ctx.dataDir, ['embed', '--datanet', ctx.datanetId]);
    /** @type {string[]} */
    const problems = [];
    if (again.code !== 0) problems.push(`embed after restart failed: ${JSON.stringify(again.lines.at(-1))} ${again.stderr.slice(0, 300)}`);
    const s = await openServices(ctx.dataDir);
    try {
      const coverage = await s.embeddings.coverage(ctx.datanetId);
      if (coverage.current !== coverage.items || coverage.stale !== 0)
        problems.push(`coverage after the restart: ${JSON.stringify(coverage)}`);
      const orphans = await s.db.query(
        'select count(*)::int as n from embedding_chunks c left join item_embeddings e using (item_id) where e.item_id is null',
      );
      if (orphans.rows[0].n !== 0) problems.push(`${orphans.rows[0].n} chunks without their item's embedding record`);
      const temps = await checkBlobs(s, ctx.dataDir, problems);
      return {
        runMs: killed.ms,
        isKilled: killed.isKilled,
        ...exitOf(killed),
        items: coverage.items,
        chunks: coverage.chunks,
        tempLeftovers: temps,
        problems,
      };
    } finally {
      await s.close();
    }
  },

  async submit(ctx) {
    const { profilePath, onchainUids } = ctx;
    if (profilePath === undefined || onchainUids === undefined) throw new Error('the submit phase runs with the devnet');
    /** @type {string[]} */
    const itemIds = [];
    const s0 = await openServices(ctx.dataDir);
    try {
      for (let i = 0; i < 2; i++) {
        const text = note(ctx.counter++);
        const r = await s0.library.importBytes({
          datanetId: ctx.datanetId,
          name: `sub-${ctx.counter}.txt`,
          bytes: new TextEncoder().encode(text),
        });
        const itemId = itemIdOf(r);
        await s0.versions.create({
          itemId,
          kind: 'anonymised',
          content: { kind: 'text', text: text.replace(/Patient [A-Z][a-z]+ [A-Z][a-z]+/, 'Patient [PERSON_1]') },
          report: { detections: [{ type: 'PERSON', operator: 'placeholder', count: 1 }] },
        });
        itemIds.push(itemId);
      }
    } finally {
      await s0.close();
    }
    const args = ['submit', '--datanet', ctx.datanetId, '--items', itemIds.join(','), '--network', profilePath, '--timeout', '60'];
    const killed = await runCli(ctx.dataDir, args, ctx.delay());
    /** @type {string[]} */
    const problems = [];
    let done;
    for (let attempt = 0; attempt < 3 && done?.status !== 'accepted'; attempt++) done = (await runCli(ctx.dataDir, args)).lines.at(-1);
    if (done?.status !== 'accepted') problems.push(`submission not accepted after the restart: ${JSON.stringify(done)}`);
    const s = await openServices(ctx.dataDir);
    try {
      const { rows } = await s.db.query(`select id, status, onchain_uid from submissions`);
      const { address } = await s.wallet.address();
      const onchain = await onchainUids(address);
      const uids = rows
        .map((r) => r.onchain_uid)
        .filter(Boolean)
        .map((u) => u.toLowerCase());
      for (const r of rows) if (r.status !== 'accepted') problems.push(`submission ${r.id} is ${r.status}`);
      if (new Set(uids).size !== uids.length) problems.push('two submissions share an on-chain UID');
      const extra = onchain.filter((u) => !uids.includes(u));
      const missing = uids.filter((u) => !onchain.includes(u));
      if (extra.length) problems.push(`${extra.length} on-chain attestations belong to no submission (duplicated)`);
      if (missing.length) problems.push(`${missing.length} submissions have no on-chain attestation (lost)`);
      const temps = await checkBlobs(s, ctx.dataDir, problems);
      return {
        runMs: killed.ms,
        isKilled: killed.isKilled,
        ...exitOf(killed),
        submissions: rows.length,
        onchain: onchain.length,
        tempLeftovers: temps,
        problems,
      };
    } finally {
      await s.close();
    }
  },
};

/**
 * Starts the built devnet on free loopback ports; resolves with its profile and a stop function.
 * @param {string} dir
 * @returns {Promise<{ profile: NetworkProfile, stop: () => Promise<void> }>}
 */
async function startDevnet(dir) {
  if (!existsSync(DEVNET_CLI)) {
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'devnet/vite.config.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('could not build the devnet');
  }
  const child = spawn(process.execPath, [DEVNET_CLI, '--data-dir', dir, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await /** @type {Promise<string>} */ (
    new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the devnet exited (${code})`)));
    })
  );
  /** @type {{ profile: NetworkProfile }} */
  const { profile } = JSON.parse(line);
  return {
    profile,
    stop: () =>
      /** @type {Promise<void>} */ (
        new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGINT'))))
      ),
  };
}

/**
 * Runs `trials` crash trials of each phase. A first run of each phase, not killed, measures how
 * long the command takes (process start included); each trial then kills it at a uniformly random
 * moment of 0-110 % of that, so some kills land in start-up, most mid-work, a few after the end.
 * @param {{ trials?: number, phases?: readonly string[], seed?: number, keep?: boolean, report?: (result: TrialResult) => void }} [options]
 */
export async function runCrashTrials({
  trials = 6,
  phases: names = PHASES,
  seed = Date.now() % 100000,
  keep = false,
  report = (l) => console.log(JSON.stringify(l)),
} = {}) {
  const unknown = names.filter((name) => !isPhase(name));
  if (unknown.length) throw new Error(`Unknown phase ${unknown.join(', ')}: the phases are ${PHASES.join(', ')}.`);
  if (!existsSync(SERVICES) || !existsSync(CLI)) throw new Error('The app is not built: run `npm run build` first.');
  const started = Date.now();
  // Seeded, so that a failing run can be repeated with its seed.
  const random = mulberry32(seed);
  const work = mkdtempSync(join(tmpdir(), 'datanet-desk-crash-'));
  /** @type {TrialResult[]} */
  const results = [];
  /** @type {{ profile: NetworkProfile, stop: () => Promise<void> } | undefined} */
  let devnet;
  try {
    for (const phase of names.filter(isPhase)) {
      const dataDir = join(work, phase);
      mkdirSync(dataDir);
      const s = await openServices(dataDir);
      const datanetId = await newDatanet(s, `Crash ${phase}`);
      /** @type {TrialContext} */
      const ctx = {
        work,
        dataDir,
        datanetId,
        counter: 1000 * (names.indexOf(phase) + 1),
        filesPerTrial: phase === 'embed' ? 4 : 40,
        delay: () => undefined,
      };
      await s.close();
      if (phase === 'embed' && !existsSync(MODEL))
        throw new Error(`The shared test model is missing at ${MODEL} (../shared/models/random-minilm-l6).`);
      if (phase === 'submit') {
        devnet ??= await startDevnet(join(work, 'devnet'));
        const { profile } = devnet;
        ctx.profilePath = join(work, 'profile.json');
        writeFileSync(ctx.profilePath, JSON.stringify(profile));
        const created = await runCli(dataDir, ['wallet', 'create']);
        if (created.code !== 0) throw new Error(`wallet create failed: ${created.stderr}`);
        const rpc = new JsonRpcProvider(profile.rpcUrl, profile.chainId, { staticNetwork: true, cacheTimeout: -1 });
        const eas = new Contract(
          profile.contracts.eas,
          ['event Attested(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)'],
          rpc,
        );
        ctx.onchainUids = async (attester) => {
          const logs = await eas.queryFilter(eas.getEvent('Attested')(null, attester, null, profile.schemas.contribution), 0);
          return logs.map((l) => {
            if (!(l instanceof EventLog)) throw new Error('an Attested log that the ABI does not decode');
            return String(l.args.uid).toLowerCase();
          });
        };
      }
      // Calibration: one whole run, not a trial, tells how long the operation takes here.
      const calibration = await phases[phase](ctx);
      const spanMs = Math.max(300, calibration.runMs);
      if (calibration.problems.length) results.push({ phase, trial: 'calibration', ...calibration });
      ctx.delay = () => Math.round(random() * spanMs * 1.1);
      for (let trial = 1; trial <= trials; trial++) {
        const result = { phase, trial, ...(await phases[phase](ctx)) };
        results.push(result);
        report(result);
      }
    }
  } finally {
    await devnet?.stop();
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
  const counted = results.filter((r) => r.trial !== 'calibration');
  const summary = {
    seed,
    trials: counted.length,
    killed: counted.filter((r) => r.isKilled).length,
    failures: results.filter((r) => r.problems.length).length,
    problems: results.flatMap((r) => r.problems.map((p) => `${r.phase}#${r.trial}: ${p}`)),
    durationMs: Date.now() - started,
    ...(keep ? { kept: work } : {}),
  };
  return { results, summary };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  /** @param {string} name */
  const value = (name) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const { summary } = await runCrashTrials({
    trials: Number(value('trials') ?? 6),
    phases: (value('phases') ?? PHASES.join(',')).split(','),
    seed: value('seed') === undefined ? undefined : Number(value('seed')),
    keep: argv.includes('--keep'),
  });
  console.log(JSON.stringify({ summary }));
  process.exitCode = summary.failures === 0 && summary.trials >= 1 ? 0 : 1;
}
