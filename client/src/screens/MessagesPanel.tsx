// The message thread: written straight into the Y.Doc (authorId = me, kind 'user'), so it works
// offline. `@ai` and `@mentions` are highlighted; AI replies are styled, streaming ones show a cursor,
// finished ones offer "Undo this AI run" ([A7]).
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { appendMessage, decide, messagesOf, newId, readMessages } from '@trellis/schema';
import type { Message } from '@trellis/schema';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { MessageBody } from '../components/MessageBody.tsx';
import { Empty } from '../components/States.tsx';
import { useYRoot } from '../sync/useYRoot.ts';
import { formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import { neverSynced } from './collab-view.ts';
import { UndoRun } from './UndoRun.tsx';
import { useMessageRuns } from './useMessageRuns.ts';

const TYPING_IDLE_MS = 2500;

export function MessagesPanel({ view }: { view: CollabView }) {
  const doc = view.session.doc;
  const messages = useYRoot<Message[]>(messagesOf(doc), () => readMessages(doc), []);
  const runs = useMessageRuns(view, messages);
  const [draft, setDraft] = useState('');
  const listRef = useRef<HTMLOListElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const allowed = view.canEdit && (view.role ? decide(view.role, 'sendMessage', view.policy) === 'allow' : true);

  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 160;
    if (nearBottom || messages.at(-1)?.authorId === view.me.id) el.scrollTop = el.scrollHeight;
  }, [messages, view.me.id]);

  useEffect(
    () => () => {
      clearTimeout(typingTimer.current);
      view.session.setTyping(false);
    },
    [view.session],
  );

  const typing = () => {
    view.session.setTyping(true);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => view.session.setTyping(false), TYPING_IDLE_MS);
  };

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    const body = draft.trim();
    if (!body || !allowed) return;
    appendMessage(doc, { id: newId('msg'), authorId: view.me.id, body, kind: 'user' });
    setDraft('');
    clearTimeout(typingTimer.current);
    view.session.setTyping(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  return (
    <div className="thread">
      {messages.length === 0 ? (
        neverSynced(view) ? (
          <Empty>No messages on this device yet. Any that others wrote appear once this collaboration syncs.</Empty>
        ) : (
          <Empty>No messages yet. Say hello — or ask “@ai” for ideas.</Empty>
        )
      ) : (
        <ol className="messages" ref={listRef} aria-label="Messages" data-testid="messages">
          {messages.map((m) => (
            <li key={m.id} className={`message message-${m.kind}${m.authorId === view.me.id ? ' mine' : ''}`} data-testid="message">
              <div className="message-head">
                <span className="author">{m.kind === 'ai' ? '✦ AI assistant' : m.kind === 'system' ? 'Trellis' : view.name(m.authorId)}</span>
                <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
              </div>
              <p className="message-body">
                <MessageBody body={m.body} />
                {m.streaming && <span className="cursor" aria-label="still writing" />}
              </p>
              {m.kind === 'ai' && runs.has(m.id) && <UndoRun view={view} runId={runs.get(m.id)!} onDone={() => undefined} />}
            </li>
          ))}
        </ol>
      )}
      <form className="composer" onSubmit={send}>
        <HiddenLabel htmlFor="composer">Message</HiddenLabel>
        <textarea
          id="composer"
          rows={2}
          value={draft}
          maxLength={8000}
          disabled={!allowed}
          placeholder={allowed ? 'Write a message…' : 'You cannot send messages here'}
          aria-describedby="composer-hint"
          onChange={(e) => {
            setDraft(e.target.value);
            typing();
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary" disabled={!allowed || !draft.trim()}>
          Send
        </button>
      </form>
      <p id="composer-hint" className="hint">
        Enter sends, Shift+Enter adds a line. Mention <mark className="mention mention-ai">@ai</mark> to ask the assistant.
      </p>
    </div>
  );
}
