// Columns as drop targets for the board's cards (desktop drag and drop): the column under the
// pointer is marked while a card is over it, and a drop hands the card's id and the column's
// status to the board. Drags that carry anything else are ignored.
import { useEffect, useState } from 'react';
import type { DragEvent } from 'react';
import type { ActivityStatus } from '@trellis/schema';
import { CARD_DRAG_TYPE } from './card-move.ts';

export function useColumnDrop(onDrop: (activityId: string, status: ActivityStatus) => void) {
  const [over, setOver] = useState<ActivityStatus | null>(null);
  // A drag that ends anywhere (dropped outside, Escape) leaves no column marked.
  useEffect(() => {
    const clear = () => setOver(null);
    document.addEventListener('dragend', clear);
    return () => document.removeEventListener('dragend', clear);
  }, []);
  const carriesCard = (e: DragEvent) => e.dataTransfer.types.includes(CARD_DRAG_TYPE);

  const dropProps = (status: ActivityStatus) => ({
    onDragOver: (e: DragEvent) => {
      if (!carriesCard(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      if (over !== status) setOver(status);
    },
    onDragLeave: (e: DragEvent) => {
      if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setOver((s) => (s === status ? null : s));
    },
    onDrop: (e: DragEvent) => {
      setOver(null);
      const id = e.dataTransfer.getData(CARD_DRAG_TYPE);
      if (!id) return;
      e.preventDefault();
      onDrop(id, status);
    },
  });

  return { over, dropProps };
}
