/** For `toThrow`: the whole message, not a substring of it, since the SPEC's messages are exact. */
export function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
