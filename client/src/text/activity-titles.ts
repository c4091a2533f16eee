// Titles of activities seen in any opened document, so the approval inbox can name the activity an
// approval is about without opening every collaboration.

const KEY = 'trellis:activity-titles';
let titles: Record<string, string> | null = null;

function load(): Record<string, string> {
  if (titles) return titles;
  try {
    titles = (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, string>) ?? {};
  } catch {
    titles = {};
  }
  return titles;
}

export function rememberActivityTitles(list: readonly { id: string; title: string }[]): void {
  const t = load();
  let changed = false;
  for (const a of list) {
    if (t[a.id] !== a.title) {
      t[a.id] = a.title;
      changed = true;
    }
  }
  if (!changed) return;
  const entries = Object.entries(t);
  if (entries.length > 2000) titles = Object.fromEntries(entries.slice(-1500));
  try {
    localStorage.setItem(KEY, JSON.stringify(titles));
  } catch {
    // best effort
  }
}

export function activityTitle(id: string): string | undefined {
  return load()[id];
}
