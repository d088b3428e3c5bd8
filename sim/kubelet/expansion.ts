// $(VAR) expansion in env values, command and args, after third_party/forked/golang/expansion:
// $$ escapes a dollar, $(NAME) becomes the value when NAME is defined and is kept verbatim otherwise.

export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value === undefined ? `$(${name})` : value;
      i = close + 1;
      continue;
    }
    out += ch + next;
    i += 2;
  }
  return out;
}
