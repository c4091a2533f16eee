// A message body with `@ai` and `@mentions` highlighted.
import { segmentBody } from '../text/mentions.ts';

export function MessageBody({ body }: { body: string }) {
  return (
    <>
      {segmentBody(body).map((s, i) =>
        s.kind === 'text' ? (
          <span key={i}>{s.text}</span>
        ) : (
          <mark key={i} className={s.kind === 'ai' ? 'mention mention-ai' : 'mention'}>
            {s.text}
          </mark>
        ),
      )}
    </>
  );
}
