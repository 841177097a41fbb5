/** POSIX shell quoting for the commands codehub prints (pure). */

/** POSIX shell quoting: bare when safe, else single quotes with embedded quotes spliced as '\''. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
