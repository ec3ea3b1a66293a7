// One problem in one input file, and how it is printed: `file:line:column: path: message`. Every
// validated input (scenarios, the config file, deviations, coverage exclusions, network profiles)
// reports its problems in this shape.

/** One problem in one file, with its position. */
export interface ValidationIssue {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
  /** Field path in the document, e.g. `steps[2].connect.keepAlive` ('' for the document itself). */
  path: string;
  message: string;
}

/** A problem in a value that has no source text (a .js config, target options given in code). */
export interface ValueIssue {
  path: string;
  message: string;
}

export function formatIssue(issue: ValidationIssue | ValueIssue): string {
  const where = 'file' in issue ? `${issue.file}:${issue.line}:${issue.column}: ` : '';
  return issue.path === '' ? `${where}${issue.message}` : `${where}${issue.path}: ${issue.message}`;
}
