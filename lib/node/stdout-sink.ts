/**
 * A log sink for Node that batches lines and writes them with one `process.stdout.write` per event-loop turn,
 * instead of `console.log`'s formatting and one write per line (a measurable cost per request).
 * Pending lines are written synchronously on exit, so nothing is lost on shutdown.
 * @example const logger = createLogger({ sink: createStdoutSink() });
 */
export function createStdoutSink(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = `${pending.join('\n')}\n`;
    pending = [];
    stream.write(chunk);
  };
  process.once('exit', flush);
  return function writeLine(line) {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
