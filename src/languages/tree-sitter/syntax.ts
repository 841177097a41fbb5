/** Helpers over tree-sitter syntax trees that the tree-sitter plug-ins share (pure). */
import type { Diagnostic } from '../../core/facts.js';
import type { SyntaxNode } from './parser.js';

/** Syntax errors reported per file, at most; past this, one diagnostic counts the rest. */
export const MAX_SYNTAX_DIAGNOSTICS = 20;

/** 1-based first line of a node. */
export function startLine(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

/** 1-based last line of a node: a node ending at column 0 ends on the previous line (its trailing newline belongs to it). */
export function endLine(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row : end.row + 1;
}

/**
 * Syntax errors: a diagnostic per error or missing node (the first MAX_SYNTAX_DIAGNOSTICS, in document order, each
 * message followed by `suffix`) and one counting the rest, found without recursion.
 */
export function syntaxErrorDiagnostics(root: SyntaxNode, suffix = ''): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!root.hasError) return out;
  const cursor = root.walk();
  let count = 0;
  try {
    let more = true;
    while (more) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) {
        count++;
        if (count <= MAX_SYNTAX_DIAGNOSTICS)
          out.push({
            line: startLine(node),
            severity: 'error',
            message: node.isMissing ? `syntax error: missing ${node.type}${suffix}` : `syntax error${suffix}`,
          });
      }
      if (!node.isError && node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          more = false;
          break;
        }
      }
    }
  } finally {
    cursor.delete();
  }
  if (count > MAX_SYNTAX_DIAGNOSTICS)
    out.push({ line: 1, severity: 'error', message: `${count - MAX_SYNTAX_DIAGNOSTICS} more syntax errors` });
  return out;
}
