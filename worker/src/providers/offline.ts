// The keyless default: no model at all. Check-ins use the rule-based digest (checkins/offline-digest.ts);
// an @ai reply gets a short fixed note so users know why nothing smarter happened.
import type { Completion, LlmProvider } from './types.ts';

export const OFFLINE_REPLY = 'AI replies are not available: no AI provider is configured for this workspace.';

export function createOfflineProvider(): LlmProvider {
  const answer = (): Completion => ({ text: OFFLINE_REPLY, inputTokens: 0, outputTokens: 0, model: 'rules' });
  return {
    name: 'offline',
    model: 'rules',
    async complete() {
      return answer();
    },
    async stream(_input, onDelta) {
      onDelta(OFFLINE_REPLY);
      return answer();
    },
  };
}
