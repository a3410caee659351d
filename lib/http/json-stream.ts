import { BrookError } from '../errors';

/**
 * Split a body of concatenated JSON objects (`{...}{...}` or one per line), as the REST Proxy's
 * streaming produce accepts, into parsed values. One object is the common case.
 */
export function parseJsonObjects(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  for (skipSpace(); i < n; skipSpace()) {
    if (text[i] !== '{') throw new BrookError('INVALID_REQUEST', `Malformed JSON at position ${i}: expected '{' to start a record.`);
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) break;
    }
    if (i >= n) throw new BrookError('INVALID_REQUEST', `Malformed JSON: the record starting at position ${start} is not closed.`);
    i++;
    try {
      values.push(JSON.parse(text.slice(start, i)));
    } catch (err) {
      throw new BrookError('INVALID_REQUEST', `Malformed JSON in the record starting at position ${start}: ${(err as Error).message}`);
    }
  }
  if (values.length === 0) throw new BrookError('INVALID_REQUEST', 'The request body is empty; send a JSON record such as {"value": {"type": "JSON", "data": 1}}.');
  return values;
}
