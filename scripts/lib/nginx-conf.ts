// Renders the dev cluster's nginx.conf: one foreground nginx, all state under a temp prefix,
// WebSocket and SSE aware. Every request scoped to one collaboration (`/sync/<id>`,
// `/api/collaborations/<id>/…`) goes to the server process its id hashes to (consistent hashing,
// SPEC [O5]), so a document lives on one process; everything else is balanced by least connections.
// deploy/nginx/trellis.conf routes the same way.
import { join } from 'node:path';

export interface NginxConfOptions {
  /** Absolute directory for pid, logs and temp files. */
  prefix: string;
  listenHost: string;
  listenPort: number;
  upstreams: readonly { host: string; port: number }[];
  /** Built web app to serve at `/`; null proxies `/` to the servers instead. */
  staticDir: string | null;
  /** nginx started as root: keep workers as root so they can read the prefix and the repo. */
  runAsRoot: boolean;
}

const MIME_TYPES: Record<string, string> = {
  'text/html': 'html htm',
  'text/css': 'css',
  'text/plain': 'txt',
  'application/javascript': 'js mjs',
  'application/json': 'json map',
  'application/manifest+json': 'webmanifest',
  'application/wasm': 'wasm',
  'image/svg+xml': 'svg',
  'image/png': 'png',
  'image/jpeg': 'jpg jpeg',
  'image/webp': 'webp',
  'image/x-icon': 'ico',
  'font/woff2': 'woff2',
};

/** Quote a path for nginx.conf. */
function q(path: string): string {
  return JSON.stringify(path);
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Headers every proxied location sends upstream. */
const FORWARDED = [
  'proxy_set_header Host $http_host;',
  'proxy_set_header X-Real-IP $remote_addr;',
  'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'proxy_set_header X-Forwarded-Proto $scheme;',
];

/** The access log's line, shared with deploy/nginx/trellis.conf: `$uri`, not `$request_uri`, since
 *  sync URLs carry ?token=<jwt>; and an invite link carries its token in its path (SPEC [I6]), so
 *  that part is replaced (any case: the servers route paths case-insensitively). */
export const ACCESS_LOG_FORMAT = `  map $uri $trellis_logged_uri {
    ~*^/api/invites/[^/]+(?<invite_rest>.*)$ /api/invites/[redacted]$invite_rest;
    default $uri;
  }
  log_format trellis '$remote_addr [$time_local] "$request_method $trellis_logged_uri $server_protocol" $status $body_bytes_sent $request_time upstream=$upstream_addr';`;

/** The collaboration a request is scoped to: the key nginx hashes to pick its server (SPEC [O5]).
 *  Shared with deploy/nginx/trellis.conf (tests/nginx-routing.test.ts keeps the two equal). */
export const COLLAB_MAP = `  map $uri $trellis_collab {
    ~^/sync/(?<sync_collab>[^/]+) $sync_collab;
    ~^/api/collaborations/(?<api_collab>[^/]+) $api_collab;
    default '';
  }`;

function location(match: string, lines: readonly string[]): string {
  return [`    location ${match} {`, ...lines.map((l) => `      ${l}`), '    }'].join('\n');
}

export function renderNginxConf(o: NginxConfOptions): string {
  if (o.upstreams.length === 0) throw new Error('nginx needs at least one upstream server');
  const p = (name: string) => q(join(o.prefix, name));
  const types = Object.entries(MIME_TYPES).map(([t, ext]) => `    ${t} ${ext};`).join('\n');
  const servers = o.upstreams.map((u) => `    server ${hostPort(u.host, u.port)} max_fails=1 fail_timeout=3s;`).join('\n');
  const proxy = (extra: readonly string[], upstream = 'trellis_servers') => [`proxy_pass http://${upstream};`, ...FORWARDED, ...extra];
  const keepalive = ['proxy_set_header Connection "";'];
  // Which server process answered (read by tests/cluster.e2e.test.ts and tests/nginx-routing.test.ts).
  const showUpstream = 'add_header X-Trellis-Upstream $upstream_addr always;';

  const sync = location('/sync/', proxy([
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
    'proxy_next_upstream error timeout http_502 http_503;',
    'proxy_read_timeout 1h;',
    'proxy_send_timeout 1h;',
    'proxy_buffering off;',
    showUpstream,
  ], 'trellis_by_collab'));
  const collabApi = location('~ ^/api/collaborations/[^/]+(/|$)', proxy([...keepalive, 'proxy_next_upstream error timeout http_502 http_503;', 'proxy_read_timeout 120s;', showUpstream], 'trellis_by_collab'));
  const events = location('= /api/events', proxy([
    ...keepalive,
    'proxy_buffering off;',
    'proxy_cache off;',
    'proxy_read_timeout 1h;',
    'add_header X-Accel-Buffering no;',
  ]));
  const api = location('/api/', proxy([...keepalive, 'proxy_next_upstream error timeout http_502 http_503;', 'proxy_read_timeout 120s;', showUpstream]));
  const root = o.staticDir
    ? [
        `    root ${q(o.staticDir)};`,
        // The build's precompressed .gz copies (scripts/precompress.ts); stock nginx has no Brotli module.
        '    gzip_static on;',
        '    gzip_vary on;',
        location('/', ['try_files $uri $uri/ /index.html;']),
        location('~ ^/(index\\.html|sw\\.js|registerSW\\.js|manifest\\.webmanifest)$', ['add_header Cache-Control "no-cache";']),
        location('/assets/', ['add_header Cache-Control "public, max-age=31536000, immutable";', 'try_files $uri =404;']),
      ].join('\n')
    : location('/', proxy([...keepalive, 'proxy_next_upstream error timeout http_502 http_503;']));

  return `# Generated by scripts/lib/nginx-conf.ts for the Trellis dev cluster. Do not edit.
daemon off;
${o.runAsRoot ? 'user root;\n' : ''}worker_processes 1;
worker_shutdown_timeout 3s;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;

events {
  worker_connections 1024;
}

http {
  types {
${types}
  }
  default_type application/octet-stream;
  sendfile on;
  server_tokens off;

  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};

${ACCESS_LOG_FORMAT}
  access_log ${p('access.log')} trellis;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }

${COLLAB_MAP}

  upstream trellis_by_collab {
    hash $trellis_collab consistent;
${servers}
    keepalive 16;
  }

  upstream trellis_servers {
    least_conn;
${servers}
    keepalive 16;
  }

  server {
    listen ${hostPort(o.listenHost, o.listenPort)};
    server_name _;
    client_max_body_size 2m;
    proxy_http_version 1.1;
    proxy_connect_timeout 2s;

${location('= /nginx-health', ['access_log off;', 'default_type text/plain;', 'return 200 "ok\\n";'])}
${sync}
${collabApi}
${events}
${api}
${root}
  }
}
`;
}
