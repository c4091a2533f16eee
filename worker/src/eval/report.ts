// The evaluation report as markdown (what `npm run eval` prints and BENCHMARKS.md records).
import type { EvalReport } from './harness.ts';

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);
const mean = (xs: number[]) => (xs.length === 0 ? 0 : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

export function renderReport(r: EvalReport): string {
  const t = r.tokens;
  const lines = t.lines.map((l) => l.tokens);
  const rows: [string, string][] = [
    ['provider / model', `${r.provider} / ${r.model}`],
    ['collaborations in the batch (+ outside it)', `${r.collaborations} (+ ${r.outsideBatch})`],
    ['model calls', `${r.calls}`],
    ['valid-answer rate (calls with a valid entry for every collaboration asked)', `${pct(r.validAnswers, r.calls)} (${r.validAnswers}/${r.calls})`],
    ['digests done / failed', `${r.digests.done} / ${r.digests.failed}`],
    ['proposals: executed / pending approval / refused', `${r.executed} / ${r.pendingApproval} / ${r.refused}`],
    ['refused-proposal rate', pct(r.refused, r.proposals)],
    ['governance actions proposed (all refused)', `${r.governanceProposed}`],
    ['invented activity ids: proposed / acted on (must be 0)', `${r.invented.proposed} / ${r.invented.actedOn}`],
    ['answer entries for collaborations outside the batch', `${r.foreign.entries}`],
    ["another collaboration's activity ids proposed (among the invented ids)", `${r.foreign.targets}`],
    ['references to other collaborations acted on (must be 0)', `${r.foreign.actedOn}`],
    ['verdicts as expected', `${r.verdicts.checked - r.verdicts.mismatches.length}/${r.verdicts.checked}`],
    ['invisible characters in prompts / forged delimiters (must be 0)', `${r.prompt.invisibleChars} / ${r.prompt.badDelimiters}`],
    ['Llama 3 tokens: system prompt', `${t.systemTokens}`],
    ['Llama 3 tokens per collaboration: DATA line mean / max', `${mean(lines)} / ${Math.max(0, ...lines)}`],
    ['Llama 3 tokens per collaboration: whole first request ÷ collaborations', `${t.promptPerCollaboration}`],
  ];
  const out = ['| measure | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
  out.push('| call | collaborations | prompt tokens (Llama 3) | chars ÷ 4 estimate | answer tokens |', '| --- | --- | --- | --- | --- |');
  for (const [i, c] of t.calls.entries()) out.push(`| ${i + 1} | ${c.collaborations} | ${c.promptTokens} | ${c.estimate} | ${c.answerTokens} |`);
  out.push('', '| collaboration | DATA line tokens |', '| --- | --- |', ...t.lines.map((l) => `| ${l.collaborationId} | ${l.tokens} |`));
  if (r.verdicts.mismatches.length > 0) {
    out.push('', 'Verdicts not as expected:', ...r.verdicts.mismatches.map((m) => `- ${m.collaborationId} #${m.index} ${m.action}: expected ${m.expected}, got ${m.actual}`));
  }
  if (r.providerError !== null) out.push('', `The provider failed: ${r.providerError}`);
  out.push('', r.violations.length === 0 ? 'Invariants: all hold.' : `Invariants broken:\n${r.violations.map((v) => `- ${v}`).join('\n')}`);
  return out.join('\n');
}
