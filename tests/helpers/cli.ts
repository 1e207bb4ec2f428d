// Running the admin CLI from a test: as its own process (`node` on the run's CLI bundle), or in
// the warm runner (helpers/cli-runner.mjs), which runs the same bundle without loading its
// packages again for every invocation.
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const execFileAsync = promisify(execFile);

/** `node BUNDLE ...args` in a process of its own: its real exit code and output. */
export async function cliProcess(bundle: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [bundle, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export interface WarmCli {
  run(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult>;
  close(): Promise<void>;
}

/** One runner process for many invocations, one at a time, each with its own arguments and environment. */
export function warmCli(bundle: string): WarmCli {
  // Pipes, not the test's own streams: the CLI sees no terminal, as when a test runs it as a process.
  const child: ChildProcess = fork(new URL('./cli-runner.mjs', import.meta.url), [bundle], { execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // Anything the runner itself writes (not an invocation's output, which it captures).
  child.stdout!.on('data', (b: Buffer) => process.stderr.write(b));
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(b));
  const waiting = new Map<number, { resolve: (r: CliResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  const failAll = (why: Error) => {
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      w.reject(why);
    }
    waiting.clear();
  };
  child.on('message', (m: CliResult & { id: number }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    clearTimeout(w.timer);
    w.resolve({ code: m.code, stdout: m.stdout, stderr: m.stderr });
  });
  child.on('exit', (code, signal) => failAll(new Error(`the CLI runner exited (${code ?? signal})`)));
  return {
    run(args, env) {
      const id = ++next;
      return new Promise<CliResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`cli ${args.join(' ')}: no answer within 60 s`));
        }, 60_000);
        waiting.set(id, { resolve, reject, timer });
        child.send({ id, args, env });
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
