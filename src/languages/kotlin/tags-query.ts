/**
 * A tags query for Kotlin, written here because @tree-sitter-grammars/tree-sitter-kotlin ships none. It follows
 * tree-sitter's tags convention (`@definition.<kind>` / `@reference.call`, each with `@name`) so the shared outline
 * engine reads it like any grammar's own `tags.scm`. What it covers: classes, interfaces (a `class_declaration`
 * with the `interface` keyword), objects and companion objects, functions (methods inside a class body), properties,
 * type aliases; calls to a name (`foo()`, `Foo()`) and to a member (`x.foo()`).
 */
export const KOTLIN_TAGS = `
(class_declaration "interface" name: (identifier) @name) @definition.interface
(class_declaration "class" name: (identifier) @name) @definition.class
(object_declaration name: (identifier) @name) @definition.class
(companion_object name: (identifier) @name) @definition.class
(function_declaration name: (identifier) @name) @definition.function
(class_body (property_declaration (variable_declaration (identifier) @name)) @definition.field)
(source_file (property_declaration (variable_declaration (identifier) @name)) @definition.constant)
(type_alias type: (identifier) @name) @definition.type

(call_expression . (identifier) @name) @reference.call
(call_expression . (navigation_expression (identifier) @name .)) @reference.call
`;
