// Every environment variable in CONTRACT.md, parsed once at start-up by the composition roots.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url();
const cron = z.string().regex(/^(\S+\s+){4,5}\S+$/, 'must be a 5- or 6-field cron expression');

export const EnvSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  STORE: z.enum(['sqlite', 'mongo']).default('sqlite'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL').optional(),
  SUPABASE_URL: url.optional(),
  SUPABASE_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  AI_PROVIDER: z.enum(['groq', 'openai', 'offline']).optional(),
  GROQ_API_KEY: z.string().min(1).optional(),
  GROQ_MODEL: z.string().min(1).default('llama-3.3-70b-versatile'),
  GROQ_BASE_URL: url.optional(),
  OPENAI_BASE_URL: url.optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_MODEL: z.string().min(1).default('llama3.3:70b'),
  CHECKIN_CRON: cron.default('0 2 * * *'),
  ALLOWED_ORIGINS: z.string().optional(),
  MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  MAX_DOC_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_METRICS_PORT: port.optional(),
});
export type Env = z.infer<typeof EnvSchema>;

/** Parse the environment; on error throw one line naming the bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env & { aiProvider: 'groq' | 'openai' | 'offline' } {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const env = parsed.data;
  if (env.STORE === 'mongo' && !env.MONGODB_URL) throw new Error('invalid environment variable MONGODB_URL: required when STORE=mongo');
  const aiProvider = env.AI_PROVIDER ?? (env.GROQ_API_KEY ? 'groq' : 'offline');
  if (aiProvider === 'groq' && !env.GROQ_API_KEY) throw new Error('invalid environment variable GROQ_API_KEY: required when AI_PROVIDER=groq');
  if (aiProvider === 'openai' && !env.OPENAI_BASE_URL) throw new Error('invalid environment variable OPENAI_BASE_URL: required when AI_PROVIDER=openai');
  return { ...env, aiProvider };
}
