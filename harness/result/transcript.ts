// Per-step packet transcripts of a scenario run (kept when a run asks for them, e.g. `harness diff`):
// every packet the harness sent and every packet, close or undecodable byte run the target sent,
// with its time and the step it belongs to. Part of the result model: plain JSON, versioned.

export const TRANSCRIPT_VERSION = 1;

/** Bytes in a transcript: small ones as hex (and text when printable UTF-8), large ones by size and digest. */
export type TranscriptBytes = { hex: string; utf8?: string } | { size: number; sha256: string };

export interface TranscriptStep {
  index: number;
  kind: string;
  /** `file:line` of the step in the scenario file. */
  location: string;
  /** Clients the step acts on (none for steps that hold others, e.g. `parallel`). */
  clients: string[];
}

export interface TranscriptEvent {
  /** Order of the event in the whole instance (all clients). */
  seq: number;
  /** Milliseconds since the scenario started. */
  atMs: number;
  client: string;
  /** `sent` by the harness, `received` from the target. */
  direction: 'sent' | 'received';
  /** A decoded packet, bytes written as they are (`raw`), bytes that did not decode, or the close. */
  kind: 'packet' | 'raw' | 'garbage' | 'closed';
  /** Packet type (kind `packet`). */
  type?: string;
  /** The packet, field by field (binary fields as TranscriptBytes). */
  packet?: Record<string, unknown>;
  /** Raw or undecodable bytes as hex (at most 4 KiB). */
  hex?: string;
  /** Decoder error (kind `garbage`). */
  error?: string;
  /** How the connection ended (kind `closed`). */
  close?: 'fin' | 'reset' | 'error';
  /** The step the event belongs to: the step that consumed it, else the step running when it happened. */
  step: number;
  /** Milliseconds since the start of the step that was running when the event happened. */
  sinceStepMs: number;
}

export interface Transcript {
  version: typeof TRANSCRIPT_VERSION;
  /** Values that differ from run to run (`prefix`, `clientId.NAME`): comparisons replace them by their names. */
  variables: Record<string, string>;
  steps: TranscriptStep[];
  events: TranscriptEvent[];
  /** Set when events were left out to bound the size (the first ones are kept). */
  truncated?: boolean;
}
