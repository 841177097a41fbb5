/** CLI entry: parses argv, runs a command, returns the exit code. The only layer that prints. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`codehub: unknown command '${argv[0] ?? ''}'\n`);
  return 2;
}
