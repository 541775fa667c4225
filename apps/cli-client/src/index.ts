// Skeleton: the terminal client is built by issue 5 on top of the client SDK.
export type { ClientError } from '@proj/client-sdk';
