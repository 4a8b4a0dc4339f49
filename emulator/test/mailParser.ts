/**
 * mailparser (nodemailer's, well kept) reads the emulator's MIME back: a real parser, not string
 * matching. Loaded with require and typed here, as the package ships no types of its own.
 */
export interface ParsedAddress {
  value: { address?: string; name: string }[];
  text: string;
}

export interface ParsedMail {
  subject?: string;
  from?: ParsedAddress;
  to?: ParsedAddress | ParsedAddress[];
  cc?: ParsedAddress | ParsedAddress[];
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  html: string | false;
  text?: string;
  headers: Map<string, unknown>;
  attachments: { filename?: string; contentType: string; content: Buffer; contentId?: string; contentDisposition?: string; size: number }[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { simpleParser } = require('mailparser') as { simpleParser: (source: Buffer | string) => Promise<ParsedMail> };

export const parseMail = (source: Buffer | string): Promise<ParsedMail> => simpleParser(source);
