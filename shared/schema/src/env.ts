// Every environment variable (README.md "Configuration"), parsed once at start-up by the composition roots.
import { z } from 'zod';
import { PeerAddress } from './peer-record.ts';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url();
const cron = z.string().regex(/^(\S+\s+){4,5}\S+$/, 'must be a 5- or 6-field cron expression');
const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/([12]?\d|3[0-2]))?$/;
const ipv6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(\/(\d|[1-9]\d|1[01]\d|12[0-8]))?$/;
/** Proxies whose X-Forwarded-For/Proto are believed: addresses, CIDR ranges, or the names Express
 *  knows (loopback, linklocal, uniquelocal). Anything else (e.g. `true`, `*`) is refused: trusting
 *  every hop would let any client pick its own address. */
const proxyList = z
  .string()
  .refine(
    (v) => v.split(',').map((s) => s.trim()).filter(Boolean).every((a) => ipv4.test(a) || ipv6.test(a) || ['loopback', 'linklocal', 'uniquelocal'].includes(a)),
    'must be a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal',
  );

/** Secrets that may also come from a file named by `<NAME>_FILE` (Docker/Kubernetes secrets). */
export const FILE_VARIABLES = ['MONGODB_URL', 'SUPABASE_JWT_SECRET', 'GROQ_API_KEY', 'OPENAI_API_KEY', 'PEER_SECRET'] as const;

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
  /** Days of attributed document history compaction keeps; absent = all (DATA_MODEL.md "History"). */
  HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_METRICS_PORT: port.optional(),
  NODE_ENV: z.string().optional(),
  /** `1` serves development login even with NODE_ENV=production (the server checks, see server/src/auth/mode.ts). */
  DEV_LOGIN: z.enum(['0', '1'], 'must be 0 or 1').optional(),
  TRUST_PROXY: proxyList.optional(),
  /** `host:port` at which the other servers reach this one: turns on peer links across machines (SPEC [S14]). */
  PEER_ADDRESS: PeerAddress.optional(),
  /** Where the peer listener binds; default: the host of PEER_ADDRESS. */
  PEER_HOST: z.string().min(1).optional(),
  /** Shared by every server; each peer link proves it (SPEC [S14]). */
  PEER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export type ReadSecretFile = (path: string) => string;

/** Node's fs, looked up at run time: this package is also bundled for the browser, which never parses env. */
const readWithNode: ReadSecretFile = (path) => {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new Error('no file system');
  return fs.readFileSync(path, 'utf8');
};

/** `<NAME>_FILE=/run/secrets/x` sets NAME to the file's content (one trailing newline dropped).
 *  Setting both is refused, so nobody wonders which one won. */
function resolveFileVariables(cleaned: Record<string, string>, read: ReadSecretFile): void {
  for (const name of FILE_VARIABLES) {
    const path = cleaned[`${name}_FILE`];
    if (path === undefined) continue;
    if (cleaned[name] !== undefined) throw new Error(`invalid environment variable ${name}_FILE: set either ${name} or ${name}_FILE, not both`);
    let value: string;
    try {
      value = read(path).replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`invalid environment variable ${name}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (value === '') throw new Error(`invalid environment variable ${name}_FILE: ${path} is empty`);
    cleaned[name] = value;
  }
}

/** Parse the environment; on error throw one line naming the bad variable. */
export function parseEnv(source: Record<string, string | undefined>, readSecretFile: ReadSecretFile = readWithNode): Env & { aiProvider: 'groq' | 'openai' | 'offline' } {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') cleaned[k] = v;
  resolveFileVariables(cleaned, readSecretFile);
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const env = parsed.data;
  if (env.STORE === 'mongo' && !env.MONGODB_URL) throw new Error('invalid environment variable MONGODB_URL: required when STORE=mongo');
  if (env.PEER_ADDRESS !== undefined && env.PEER_SECRET === undefined) throw new Error('invalid environment variable PEER_SECRET: required when PEER_ADDRESS is set (or PEER_SECRET_FILE)');
  if (env.PEER_ADDRESS === undefined) {
    if (env.PEER_SECRET !== undefined) throw new Error('invalid environment variable PEER_SECRET: only used with PEER_ADDRESS');
    if (env.PEER_HOST !== undefined) throw new Error('invalid environment variable PEER_HOST: only used with PEER_ADDRESS');
  }
  const aiProvider = env.AI_PROVIDER ?? (env.GROQ_API_KEY ? 'groq' : 'offline');
  if (aiProvider === 'groq' && !env.GROQ_API_KEY) throw new Error('invalid environment variable GROQ_API_KEY: required when AI_PROVIDER=groq');
  if (aiProvider === 'openai' && !env.OPENAI_BASE_URL) throw new Error('invalid environment variable OPENAI_BASE_URL: required when AI_PROVIDER=openai');
  return { ...env, aiProvider };
}
