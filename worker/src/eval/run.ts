// `npm run eval`: the evaluation harness's composition root (reads the environment like the worker's
// main.ts). AI_PROVIDER=offline (the default without keys) runs the scripted offline model; groq or
// openai runs the configured model on the same fixtures. Prints the report; exits 1 if an
// invariant broke or the provider failed.
import { parseEnv } from '@trellis/schema';
import { orExit } from '@trellis/runtime';
import { createProvider } from '../providers/select.ts';
import { runEval } from './harness.ts';
import { FIXTURES } from './fixtures/index.ts';
import { renderReport } from './report.ts';
import { createScriptedModel } from './scripted-model.ts';
import { llama3Tokens } from './tokens.ts';

const env = orExit(() => parseEnv(process.env));
const offline = env.aiProvider === 'offline';
const report = await runEval({
  provider: offline ? createScriptedModel(FIXTURES, llama3Tokens) : createProvider({ ...env, timeoutMs: 120_000 }),
  verdictsFrom: offline ? 'script' : 'oracle',
  label: offline ? 'offline (scripted fixture answers)' : env.aiProvider,
  // Quiet unless asked: the report goes to stdout.
  logLevel: process.env.LOG_LEVEL === undefined ? 'silent' : env.LOG_LEVEL,
});
process.stdout.write(`${renderReport(report)}\n`);
process.exit(report.violations.length === 0 && report.providerError === null ? 0 : 1);
