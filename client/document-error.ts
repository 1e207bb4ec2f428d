// The one error every document reader throws: a Vietnamese message for the admin, English for the log.

/** A document that cannot be read: `message` for the admin (Vietnamese), `en` for the log. */
export class DocumentError extends Error {
  constructor(
    message: string,
    readonly en: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}
