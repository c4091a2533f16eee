// Pick the provider from parsed configuration (the composition root passes it in).
import type { LlmProvider, ProviderName } from './types.ts';
import { createGroqProvider } from './groq.ts';
import { createOpenAiProvider } from './openai.ts';
import { createOfflineProvider } from './offline.ts';
import { unreachable } from '@trellis/schema';

export interface ProviderConfig {
  aiProvider: ProviderName;
  GROQ_API_KEY?: string | undefined;
  GROQ_MODEL: string;
  GROQ_BASE_URL?: string | undefined;
  OPENAI_BASE_URL?: string | undefined;
  OPENAI_API_KEY?: string | undefined;
  OPENAI_MODEL: string;
  timeoutMs?: number | undefined;
}

export function createProvider(cfg: ProviderConfig): LlmProvider {
  switch (cfg.aiProvider) {
    case 'groq':
      if (!cfg.GROQ_API_KEY) throw new Error('GROQ_API_KEY is required for AI_PROVIDER=groq');
      return createGroqProvider({ apiKey: cfg.GROQ_API_KEY, model: cfg.GROQ_MODEL, baseURL: cfg.GROQ_BASE_URL, timeoutMs: cfg.timeoutMs });
    case 'openai':
      if (!cfg.OPENAI_BASE_URL) throw new Error('OPENAI_BASE_URL is required for AI_PROVIDER=openai');
      return createOpenAiProvider({ baseURL: cfg.OPENAI_BASE_URL, apiKey: cfg.OPENAI_API_KEY, model: cfg.OPENAI_MODEL, timeoutMs: cfg.timeoutMs });
    case 'offline':
      return createOfflineProvider();
    default:
      return unreachable(cfg.aiProvider);
  }
}
