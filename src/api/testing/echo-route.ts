// A hijack route for tests: echoes stdin to stdout, reports stdin EOF on stderr, writes once more, then
// ends the stream (like a process that prints after its input closes, then exits).

import { NotFound } from '../../errors.ts';
import type { Route } from '../context.ts';
import { readJsonObject } from '../http/body.ts';

export const echoRoute: Route = {
  method: 'POST',
  path: '/echo/{id}/start',
  hijack: true,
  handler: async (ctx) => {
    if (ctx.params.id === 'missing') throw new NotFound('No such exec instance: missing');
    const body = await readJsonObject(ctx);
    const h = await ctx.hijack({ tty: body.Tty === true });
    h.stdout.write(`start ${JSON.stringify(body)}\n`);
    h.stdin.on('data', (d: Buffer) => h.stdout.write(d));
    h.stdin.on('end', () => {
      h.stderr.write('stdin eof\n');
      setTimeout(() => h.stdout.write('output after eof\n', () => h.close()), 50);
    });
    return undefined;
  },
};
