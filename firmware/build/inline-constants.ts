/**
 * Inlines the bundle's compile-time constants before it is minified.
 *
 * Why: on the Puck.js every top-level `var` of the bundle lives as long as the stamp (the
 * closures the stamp keeps hold the bundle's scope), and each costs about 2 of the 2,630 JS
 * variables — 4–5 for a 36-character string, 2 per property of an enum-like object. A literal
 * in code costs nothing: the code stays in flash. The sources keep their named constants
 * (shared with the host); only the bundle sees the values. esbuild does not do this across
 * modules, and the ES5 lowering turns `const` into `var` before esbuild sees it.
 *
 * A top-level `var NAME = <constant>` of the bundle's IIFE is inlined when its initializer is
 * a literal, arithmetic on constants, another constant, `<constant string>.length`, or a
 * property of an inlined object, and NAME is never written. `var NAME = { KEY: <constant>, … }`
 * is inlined property by property when every use is a read of `NAME.KEY` with a known KEY.
 * Identifiers are resolved with the TypeScript checker, so a local that shadows NAME is left alone.
 */
import ts from "typescript";

type Constant = string | number | boolean;

interface Inlined {
  declaration: ts.VariableDeclaration;
  value?: Constant;
  properties?: Map<string, Constant>;
}

function literalText(value: Constant): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return value < 0 || Object.is(value, -0) ? "(" + String(value) + ")" : String(value);
  return value ? "true" : "false";
}

function program(fileName: string, source: ts.SourceFile): ts.Program {
  const options: ts.CompilerOptions = { allowJs: true, noLib: true, noResolve: true, target: ts.ScriptTarget.ES5, types: [] };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name) => (name === fileName ? source : undefined);
  host.fileExists = (name) => name === fileName;
  host.readFile = (name) => (name === fileName ? source.text : undefined);
  return ts.createProgram([fileName], options, host);
}

/** True when `node` (an identifier) is written: assigned, incremented, deleted. */
function isWritten(node: ts.Node): boolean {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (ts.isBinaryExpression(parent) && parent.left === current) {
    return parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
  }
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  return ts.isDeleteExpression(parent);
}

/** The statements of the bundle's top-level function: `(function () { ... })();` */
function bundleBody(source: ts.SourceFile): ts.NodeArray<ts.Statement> {
  for (const statement of source.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    let call: ts.Expression = statement.expression;
    while (ts.isParenthesizedExpression(call)) call = call.expression;
    if (!ts.isCallExpression(call)) continue;
    let callee: ts.Expression = call.expression;
    while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
    if ((ts.isFunctionExpression(callee) || ts.isArrowFunction(callee)) && ts.isBlock(callee.body)) return callee.body.statements;
  }
  throw new Error("inline-constants: the bundle is not one immediately invoked function");
}

export function inlineConstants(code: string): { code: string; inlined: number } {
  const fileName = "bundle.js";
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES5, true, ts.ScriptKind.JS);
  const checker = program(fileName, source).getTypeChecker();
  const candidates = new Map<ts.Symbol, Inlined>();

  const evaluate = (expression: ts.Expression): Constant | undefined => {
    if (ts.isParenthesizedExpression(expression)) return evaluate(expression.expression);
    if (ts.isNumericLiteral(expression)) return Number(expression.text);
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
    if (expression.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (expression.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isIdentifier(expression)) {
      const symbol = checker.getSymbolAtLocation(expression);
      return symbol === undefined ? undefined : candidates.get(symbol)?.value;
    }
    if (ts.isPropertyAccessExpression(expression)) {
      const target = evaluate(expression.expression);
      if (typeof target === "string" && expression.name.text === "length") return target.length;
      if (!ts.isIdentifier(expression.expression)) return undefined;
      const symbol = checker.getSymbolAtLocation(expression.expression);
      return symbol === undefined ? undefined : candidates.get(symbol)?.properties?.get(expression.name.text);
    }
    if (ts.isPrefixUnaryExpression(expression)) {
      const operand = evaluate(expression.operand);
      if (typeof operand !== "number") return undefined;
      if (expression.operator === ts.SyntaxKind.MinusToken) return -operand;
      if (expression.operator === ts.SyntaxKind.PlusToken) return operand;
      if (expression.operator === ts.SyntaxKind.TildeToken) return ~operand;
      return undefined;
    }
    if (ts.isBinaryExpression(expression)) {
      const left = evaluate(expression.left);
      const right = evaluate(expression.right);
      if (left === undefined || right === undefined) return undefined;
      if (expression.operatorToken.kind === ts.SyntaxKind.PlusToken && (typeof left === "string" || typeof right === "string")) {
        return String(left) + String(right);
      }
      if (typeof left !== "number" || typeof right !== "number") return undefined;
      switch (expression.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return left + right;
        case ts.SyntaxKind.MinusToken: return left - right;
        case ts.SyntaxKind.AsteriskToken: return left * right;
        case ts.SyntaxKind.SlashToken: return left / right;
        case ts.SyntaxKind.BarToken: return left | right;
        case ts.SyntaxKind.AmpersandToken: return left & right;
        case ts.SyntaxKind.LessThanLessThanToken: return left << right;
        case ts.SyntaxKind.GreaterThanGreaterThanToken: return left >> right;
        case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: return left >>> right;
        default: return undefined;
      }
    }
    return undefined;
  };

  // Declarations come before their uses in the bundle (esbuild orders modules by dependency).
  // Collected twice: the second time without the constants found to be written, so that no
  // value is derived from one.
  const disqualified = new Set<ts.Symbol>();
  const collect = (): void => {
    candidates.clear();
    for (const statement of bundleBody(source)) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
        const symbol = checker.getSymbolAtLocation(declaration.name);
        if (symbol === undefined || disqualified.has(symbol)) continue;
        const initializer = declaration.initializer;
        if (ts.isObjectLiteralExpression(initializer)) {
          const properties = new Map<string, Constant>();
          let constant = true;
          for (const property of initializer.properties) {
            const value = ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) ? evaluate(property.initializer) : undefined;
            if (value === undefined || !ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) constant = false;
            else properties.set(property.name.text, value);
          }
          if (constant) candidates.set(symbol, { declaration: declaration, properties: properties });
        } else {
          const value = evaluate(initializer);
          if (value !== undefined) candidates.set(symbol, { declaration: declaration, value: value });
        }
      }
    }
  };
  collect();

  // Every use of a candidate: a write disqualifies it; an object is only read as NAME.KEY.
  const uses = new Map<ts.Symbol, ts.Identifier[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      // `{ NAME }` names the property; the variable it reads is the shorthand's value symbol.
      const symbol = ts.isShorthandPropertyAssignment(node.parent) ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
      const candidate = symbol === undefined ? undefined : candidates.get(symbol);
      if (symbol !== undefined && candidate !== undefined && node !== candidate.declaration.name) {
        const parent = node.parent;
        const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
        if (!isPropertyName) {
          if (isWritten(node)) disqualified.add(symbol);
          if (candidate.properties !== undefined) {
            const read = ts.isPropertyAccessExpression(parent) && parent.expression === node && !isWritten(parent) && candidate.properties.has(parent.name.text);
            if (!read) disqualified.add(symbol);
          }
          const list = uses.get(symbol) ?? [];
          list.push(node);
          uses.set(symbol, list);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (disqualified.size > 0) collect();

  const edits: { start: number; end: number; text: string }[] = [];
  const removed = new Set<ts.VariableDeclaration>();
  for (const [symbol, candidate] of candidates) {
    for (const use of uses.get(symbol) ?? []) {
      if (candidate.properties !== undefined) {
        const access = use.parent as ts.PropertyAccessExpression;
        edits.push({ start: access.getStart(), end: access.getEnd(), text: literalText(candidate.properties.get(access.name.text) as Constant) });
      } else if (ts.isShorthandPropertyAssignment(use.parent)) {
        edits.push({ start: use.getStart(), end: use.getEnd(), text: use.text + ": " + literalText(candidate.value as Constant) });
      } else {
        edits.push({ start: use.getStart(), end: use.getEnd(), text: literalText(candidate.value as Constant) });
      }
    }
    removed.add(candidate.declaration);
  }
  for (const statement of bundleBody(source)) {
    if (!ts.isVariableStatement(statement)) continue;
    const declarations = statement.declarationList.declarations;
    const kept = declarations.filter((d) => !removed.has(d));
    if (kept.length === declarations.length) continue;
    // The kept declarators' text already carries the inlined values of their initializers.
    const keptText = kept.map((d) => applyEdits(code, edits, d.getStart(), d.getEnd()));
    for (let i = edits.length - 1; i >= 0; i--) {
      if (edits[i].start >= statement.getStart() && edits[i].end <= statement.getEnd()) edits.splice(i, 1);
    }
    edits.push({ start: statement.getStart(), end: statement.getEnd(), text: kept.length === 0 ? "" : "var " + keptText.join(", ") + ";" });
  }
  return { code: applyEdits(code, edits, 0, code.length), inlined: removed.size };
}

/** `code` from `start` to `end` with the edits inside that range applied. */
function applyEdits(code: string, edits: { start: number; end: number; text: string }[], start: number, end: number): string {
  const inside = edits.filter((e) => e.start >= start && e.end <= end).sort((a, b) => a.start - b.start);
  let out = "";
  let at = start;
  for (const edit of inside) {
    if (edit.start < at) throw new Error("inline-constants: overlapping edits");
    out += code.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + code.slice(at, end);
}
