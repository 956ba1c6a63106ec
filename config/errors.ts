/** A configuration problem, named by its variable so an operator can fix it in one go. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
