// The foot of a paged list: "Load more" while the server has more, otherwise say it is all.
export function LoadMore({ next, loading, onMore, className }: { next: string | null; loading: boolean; onMore: (cursor: string) => void; className: string }) {
  return (
    <div className={className}>
      {next ? (
        <button type="button" onClick={() => onMore(next)} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        <p className="hint">That is everything.</p>
      )}
    </div>
  );
}
