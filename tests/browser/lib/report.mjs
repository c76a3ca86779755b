// Collects check results, prints each as it finishes, and prints the summary.
// A check passes when it returns no problems; each problem is one line that says
// which page and what is wrong, so a failure can be fixed without re-running.

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);
export const red = (t) => paint('31', t);
export const green = (t) => paint('32', t);
export const bold = (t) => paint('1', t);

/** A failure that explains itself: reported by its message alone, without a stack. */
export class CheckFailure extends Error {}

/** Polls `test` every 50 ms until it is true; a CheckFailure after `ms`. */
export async function waitFor(what, test, ms = 20000) {
  const started = Date.now();
  for (;;) {
    try {
      if (await test()) return;
    } catch {}
    if (Date.now() - started > ms) throw new CheckFailure(`${what}: not seen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Report {
  constructor() {
    this.results = [];
    this.sections = [];
    this.started = Date.now();
  }

  /** Starts a part of the report; its header says how long the suite has run, so a slow part shows in the log. */
  section(title) {
    const seconds = Math.round((Date.now() - this.started) / 1000);
    console.log(`\n${bold(`== ${title}`)} (${seconds} s)`);
  }

  /** Records a result. `problems` is an array of strings; empty means pass. */
  record(name, problems, note = '') {
    const ok = problems.length === 0;
    this.results.push({ name, ok, problems });
    const tail = note ? ` (${note})` : '';
    if (ok) {
      console.log(`  ${green('ok')}   ${name}${tail}`);
    } else {
      console.log(`  ${red('FAIL')} ${name}${tail}`);
      const shown = problems.slice(0, 40);
      for (const p of shown) console.log(`       - ${String(p).replace(/\n/g, '\n         ')}`);
      if (problems.length > shown.length) {
        console.log(`       … and ${problems.length - shown.length} more`);
      }
    }
    return ok;
  }

  /**
   * Runs `fn`, which returns an array of problems (or { problems, note }).
   * An exception is a failure of that check, reported with its message, so one
   * broken page does not stop the rest of the suite.
   */
  async check(name, fn) {
    try {
      const out = await fn();
      if (Array.isArray(out)) return this.record(name, out);
      return this.record(name, out.problems || [], out.note || '');
    } catch (err) {
      if (err instanceof CheckFailure) return this.record(name, [err.message]);
      const msg = err && err.stack ? err.stack.split('\n').slice(0, 3).join('\n') : String(err);
      return this.record(name, [`error while checking: ${msg}`]);
    }
  }

  get failed() {
    return this.results.filter((r) => !r.ok);
  }

  printSummary(extraLines = []) {
    const failed = this.failed;
    const passed = this.results.length - failed.length;
    console.log(`\n${bold('== Summary')}`);
    for (const line of extraLines) console.log(line);
    if (failed.length) {
      console.log(`\n${red('Failed checks:')}`);
      for (const r of failed) console.log(`  - ${r.name} (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})`);
    }
    console.log('');
    console.log(`browser: ${passed} passed, ${failed.length} failed`);
  }
}
