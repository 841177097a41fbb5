/** Reading a member call's receiver text as a path of names (the plug-in's ResolutionRules.valuePath). */

/** `core.$ZodXID` → ['core', '$ZodXID']: a receiver written as a dotted path of names (not through `this`). */
export function valuePathOf(text: string): string[] | null {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(text) || text.startsWith('this.')) return null;
  return text.split('.');
}
