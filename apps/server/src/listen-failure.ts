/** The flags that choose a listener's address, to name in a message about it. */
export interface ListenFlags {
  readonly host: string;
  readonly port: string;
}

/**
 * Why a listener could not listen, in words for the person who configured it, from the system error behind `error`
 * (followed through `cause`): `the port is already in use (EADDRINUSE); choose another with --port`. Names the flag
 * to change: the port's for a port taken or refused, the host's for an address this host does not have.
 */
export function describeListenFailure(error: unknown, flags: ListenFlags): string {
  const code = systemCode(error);
  switch (code) {
    case 'EADDRINUSE':
      return `the port is already in use (EADDRINUSE); choose another with ${flags.port} or stop what holds it`;
    case 'EACCES':
      return `permission denied (EACCES): ports below 1024 need privileges; choose another with ${flags.port}`;
    case 'EADDRNOTAVAIL':
      return `the address is not one of this host's (EADDRNOTAVAIL); choose another with ${flags.host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name does not resolve (${code}); choose another with ${flags.host}`;
    default:
      return code !== undefined
        ? `${code} (${flags.host}/${flags.port})`
        : `${error instanceof Error ? error.message : String(error)} (${flags.host}/${flags.port})`;
  }
}

/** The system error code (EADDRINUSE...) behind an error, or undefined. */
function systemCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 10; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !code.startsWith('E_')) return code;
    e = e.cause;
  }
  return undefined;
}
