// Long values (addresses, paths, fingerprints, commands) that wrap where a reader expects: after a slash, a dot, a
// colon or a separator, instead of overflowing the window or breaking in the middle of a word.
import { Fragment } from 'react';

const BREAK_AFTER = /([/.:?&=_,\-@\\]+)/;

/**
 * The text with a possible line break after each separator: <wbr> elements between plain text nodes, so copying
 * gives the text unchanged and the text stays the element's own.
 */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(BREAK_AFTER);
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i % 2 === 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}
