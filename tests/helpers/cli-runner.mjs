// The admin CLI, warm: one Node process that runs CLI invocations one after another, each a fresh
// evaluation of the CLI bundle (helpers/node-bundle.ts) with its own argv and environment, its
// output captured and its exit code taken from the CLI's own process.exit call. The packages the
// CLI loads (Temporal's client, the document readers) are loaded once instead of once per
// invocation, which is most of a CLI process's second. Started by helpers/cli.ts with fork();
// requests and answers go over the IPC channel. Plain JavaScript: it runs without tsx.
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2];
if (!bundle || !process.send) throw new Error('usage: fork(cli-runner.mjs, [bundle])');
const bundleUrl = pathToFileURL(bundle).href;

/** Thrown by the stubbed process.exit to stop the invocation where a real process would stop. */
const EXITED = Symbol('exited');

const realExit = process.exit.bind(process);
const realWrite = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
const baseArgv = [process.execPath, bundle];

/** The invocation running now: whatever it writes or throws belongs to it. */
let current;

const text = (chunk, encoding) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
/** A stream's write that hands the chunk to the invocation running now (to the real stream between invocations). */
const capture = (real, into) => (chunk, encoding, cb) => {
  if (!current) return real(chunk, encoding, cb);
  current[into] += text(chunk, encoding);
  if (typeof encoding === 'function') encoding();
  else if (typeof cb === 'function') cb();
  return true;
};
process.stdout.write = capture(realWrite.out, 'stdout');
process.stderr.write = capture(realWrite.err, 'stderr');
process.exit = (code) => {
  if (!current) return realExit(code);
  current.finish(typeof code === 'number' ? code : Number(code ?? process.exitCode ?? 0));
  throw EXITED;
};
// As in a real process: an error nobody caught ends the invocation with exit code 1.
const uncaught = (err) => {
  if (err === EXITED) return;
  if (!current) {
    realWrite.err(`cli-runner: ${err?.stack ?? String(err)}\n`);
    return;
  }
  current.stderr += `${err?.stack ?? String(err)}\n`;
  current.finish(1);
};
process.on('uncaughtException', uncaught);
process.on('unhandledRejection', uncaught);

let runs = 0;
let queue = Promise.resolve();

process.on('message', (req) => {
  queue = queue.then(() => invoke(req)).then((answer) => process.send(answer));
});
process.on('disconnect', () => realExit(0));

/** One invocation: `node cli.mjs ...args` with `env`, as far as the CLI can tell. */
async function invoke({ id, args, env }) {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  process.argv = [...baseArgv, ...args];
  process.exitCode = undefined;
  const done = new Promise((resolve) => {
    current = { stdout: '', stderr: '', code: undefined };
    current.finish = (code) => {
      if (current.code !== undefined) return;
      current.code = code;
      resolve();
    };
  });
  try {
    // A new module instance each time: the CLI reads its configuration and argv when it loads.
    await import(`${bundleUrl}?run=${++runs}`);
  } catch (err) {
    uncaught(err);
  }
  await done;
  const { stdout, stderr, code } = current;
  current = undefined;
  return { id, code, stdout, stderr };
}
