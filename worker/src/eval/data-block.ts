// Read a check-in request back: the collaboration lines of its DATA block, as the model sees them.
export interface DataLine {
  collaborationId: string;
  line: string;
}

export function dataLines(user: string): DataLine[] {
  const start = user.indexOf('<<<DATA\n');
  const end = user.lastIndexOf('\nDATA>>>');
  if (start < 0 || end < start) return [];
  return user.slice(start + '<<<DATA\n'.length, end).split('\n').flatMap((line) => {
    try {
      const id = (JSON.parse(line) as { collaborationId?: unknown }).collaborationId;
      return typeof id === 'string' ? [{ collaborationId: id, line }] : [];
    } catch {
      return [];
    }
  });
}
