export function devMailboxToken(secret: string): string;
export function devMailboxUrl(publicUrl: string, authPrefix: string, secret: string): string;
