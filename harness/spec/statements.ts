// Normative statements of MQTT 3.1.1 and 5.0: id, level, section and a short summary in our own
// words (not the standard's text). Scenario statement ids are validated against these tables and the
// coverage report counts results per id. Generated once from the statement lists; edit by hand.
// This file holds the row format; the tables are statements-311.ts and statements-50.ts.

export type StatementLevel = 'MUST' | 'MUST NOT' | 'SHOULD' | 'MAY' | '';
/** [id, level, section, summary] */
export type StatementRow = readonly [id: string, level: StatementLevel, section: string, summary: string];
