import type { Reply } from './relay-bench-ipc.ts';

/**
 * The child's side of `ForkedChild`: answers each request from the parent process once, with its
 * id, through `handle`; exits after answering a `close`, when the parent goes away (never outlive
 * it), and on an unhandled rejection (a host gone under the geckos client's background reconnects),
 * which it reports in one line under `name()` (read then: a worker learns its number from a request).
 */
export function answerParent<Request extends { id: number; type: string }>(name: () => string, handle: (request: Request) => Promise<unknown>): void {
  process.on('message', (raw: unknown) => {
    const request = raw as Request;
    handle(request).then(
      (result) => {
        const reply: Reply<unknown> = { id: request.id, ok: true, result };
        process.send?.(reply, () => {
          if (request.type === 'close') process.exit(0);
        });
      },
      (error: unknown) => {
        const reply: Reply<unknown> = { id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
        process.send?.(reply);
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.on('unhandledRejection', (reason: unknown) => {
    console.error(`${name()}: ${reason instanceof Error ? reason.message : String(reason)}`);
    process.exit(1);
  });
}
