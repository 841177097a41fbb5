/**
 * The javac side of the Java truth: a small Java program, run with the JDK's single-file source launcher, that parses
 * and attributes a project with javac's own API (com.sun.source), prints where every class, method and constructor is
 * declared (binary class name, method name, erased JVM descriptor, source file, first and last line), and then
 * generates the class files with `-g`, so that `javap` reads the calls of exactly the code described.
 * Output lines: `C\t<binary class>\t<super binary>\t<interfaces,>\t<path>\t<start>\t<end>` for a class and
 * `M\t<binary class>\t<name>\t<descriptor>\t<path>\t<start>\t<end>\t<flags>` for a method (flags: `generated` for a
 * default constructor or another member the compiler wrote, `abstract`).
 */
export const JAVA_DECLARATIONS_CLASS = 'CodehubJavaDeclarations';

export const JAVA_DECLARATIONS_SOURCE = String.raw`
import com.sun.source.tree.*;
import com.sun.source.util.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import javax.lang.model.element.*;
import javax.lang.model.type.*;
import javax.lang.model.util.*;
import javax.tools.*;

public class CodehubJavaDeclarations {
  public static void main(String[] args) throws Exception {
    List<String> files = Files.readAllLines(Path.of(args[0]));
    String out = args[1];
    String classpath = args[2];
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
    List<String> options = new ArrayList<>(List.of("-g", "-proc:none", "-nowarn", "-encoding", "UTF-8", "-d", out, "-Xmaxerrs", "20"));
    if (!classpath.isEmpty()) { options.add("-cp"); options.add(classpath); }
    JavacTask task = (JavacTask) compiler.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromStrings(files));
    Iterable<? extends CompilationUnitTree> units = task.parse();
    task.analyze();
    Trees trees = Trees.instance(task);
    Types types = task.getTypes();
    Elements elements = task.getElements();
    SourcePositions positions = trees.getSourcePositions();
    StringBuilder sb = new StringBuilder();
    for (CompilationUnitTree unit : units) {
      String path = unit.getSourceFile().toUri().getPath();
      LineMap lines = unit.getLineMap();
      new TreePathScanner<Void, Void>() {
        String range(Tree t) {
          long start = positions.getStartPosition(unit, t);
          long end = positions.getEndPosition(unit, t);
          if (start < 0 || end < 0) return null;
          return lines.getLineNumber(start) + "\t" + lines.getLineNumber(Math.max(start, end - 1));
        }
        @Override public Void visitClass(ClassTree t, Void v) {
          Element e = trees.getElement(getCurrentPath());
          String r = range(t);
          if (e instanceof TypeElement && r != null) {
            TypeElement te = (TypeElement) e;
            String sup = te.getSuperclass().getKind() == TypeKind.DECLARED ? binary((TypeElement) types.asElement(te.getSuperclass())) : "";
            StringJoiner ifs = new StringJoiner(",");
            for (TypeMirror i : te.getInterfaces()) if (i.getKind() == TypeKind.DECLARED) ifs.add(binary((TypeElement) types.asElement(i)));
            sb.append("C\t").append(binary(te)).append('\t').append(sup).append('\t').append(ifs).append('\t').append(path).append('\t').append(r).append('\n');
            for (Element member : te.getEnclosedElements()) {
              if (!(member instanceof ExecutableElement) || trees.getTree(member) != null && elements.getOrigin(member) == Elements.Origin.EXPLICIT) continue;
              ExecutableElement m = (ExecutableElement) member;
              sb.append("M\t").append(binary(te)).append('\t').append(m.getSimpleName()).append('\t').append(descriptor(m)).append('\t').append(path).append('\t').append(r).append("\tgenerated\n");
            }
          }
          return super.visitClass(t, v);
        }
        @Override public Void visitMethod(MethodTree t, Void v) {
          Element e = trees.getElement(getCurrentPath());
          String r = range(t);
          if (e instanceof ExecutableElement && r != null && elements.getOrigin(e) == Elements.Origin.EXPLICIT) {
            ExecutableElement m = (ExecutableElement) e;
            TypeElement owner = (TypeElement) m.getEnclosingElement();
            String flags = m.getModifiers().contains(Modifier.ABSTRACT) ? "abstract" : "";
            sb.append("M\t").append(binary(owner)).append('\t').append(m.getSimpleName()).append('\t').append(descriptor(m)).append('\t').append(path).append('\t').append(r).append('\t').append(flags).append('\n');
          }
          return super.visitMethod(t, v);
        }
        String binary(TypeElement te) { return elements.getBinaryName(te).toString(); }
        String descriptor(ExecutableElement m) {
          StringBuilder d = new StringBuilder("(");
          for (VariableElement p : m.getParameters()) d.append(desc(p.asType()));
          return d.append(')').append(desc(m.getReturnType())).toString();
        }
        String desc(TypeMirror t) {
          TypeMirror e = types.erasure(t);
          switch (e.getKind()) {
            case BOOLEAN: return "Z"; case BYTE: return "B"; case CHAR: return "C"; case SHORT: return "S";
            case INT: return "I"; case LONG: return "J"; case FLOAT: return "F"; case DOUBLE: return "D"; case VOID: return "V";
            case ARRAY: return "[" + desc(((ArrayType) e).getComponentType());
            case DECLARED: return "L" + binary((TypeElement) types.asElement(e)).replace('.', '/') + ";";
            default: return "Ljava/lang/Object;";
          }
        }
      }.scan(unit, null);
    }
    System.out.print(sb);
    boolean failed = false;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics())
      if (d.getKind() == Diagnostic.Kind.ERROR) { failed = true; System.err.println("error: " + d.getSource() + ":" + d.getLineNumber() + ": " + d.getMessage(null)); }
    if (!failed) task.generate();
    System.err.println(failed ? "generate: skipped" : "generate: ok");
  }
}
`;
